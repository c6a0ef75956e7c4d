package market

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// User is the contract's user object.
type User struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// Auth is the body of register and login.
type Auth struct {
	Message   string `json:"message"`
	User      User   `json:"user"`
	Token     string `json:"token"`
	TokenType string `json:"token_type"`
}

// Registration is the body of POST /v1/auth/register.
type Registration struct {
	Name                 string `json:"name"`
	Email                string `json:"email"`
	Password             string `json:"password"`
	PasswordConfirmation string `json:"password_confirmation"`
	Role                 string `json:"role,omitempty"`
}

// Register creates an account.
func (c *Client) Register(ctx context.Context, r Registration) (Auth, *Response, error) {
	var out Auth
	resp, err := c.Do(ctx, http.MethodPost, "/v1/auth/register", r, &out)
	return out, resp, err
}

// Login signs in with email and password.
func (c *Client) Login(ctx context.Context, email, password string) (Auth, *Response, error) {
	var out Auth
	resp, err := c.Do(ctx, http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": password}, &out)
	return out, resp, err
}

// SignIn logs in and returns a client calling as that user; a non-200 login is an
// error naming the status and message.
func (c *Client) SignIn(ctx context.Context, caller, email, password string) (*Client, User, error) {
	a, resp, err := c.Login(ctx, email, password)
	if err != nil {
		return nil, User{}, err
	}
	if resp.Status != http.StatusOK || a.Token == "" {
		return nil, User{}, fmt.Errorf("sign in as %s (%s): %s", caller, email, resp)
	}
	return c.As(caller, a.Token), a.User, nil
}

// Logout revokes the client's token.
func (c *Client) Logout(ctx context.Context) (*Response, error) {
	return c.Do(ctx, http.MethodPost, "/v1/auth/logout", nil, nil)
}

// Profile returns the signed-in user.
func (c *Client) Profile(ctx context.Context) (User, *Response, error) {
	var out struct {
		User User `json:"user"`
	}
	resp, err := c.Do(ctx, http.MethodGet, "/v1/auth/profile", nil, &out)
	return out.User, resp, err
}

// ProducerRef is the producer summary inside a product.
type ProducerRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Product is the contract's product object.
type Product struct {
	ID          int64        `json:"id"`
	ProducerID  int64        `json:"producer_id"`
	Name        string       `json:"name"`
	Slug        string       `json:"slug"`
	Description *string      `json:"description"`
	Price       string       `json:"price"`
	Unit        string       `json:"unit"`
	Stock       int          `json:"stock"`
	IsActive    Flag         `json:"is_active"`
	Producer    *ProducerRef `json:"producer"`
	CreatedAt   string       `json:"created_at"`
	UpdatedAt   string       `json:"updated_at"`
}

// Page is the contract's paginator.
type Page[T any] struct {
	CurrentPage int  `json:"current_page"`
	Data        []T  `json:"data"`
	PerPage     int  `json:"per_page"`
	Total       int  `json:"total"`
	LastPage    int  `json:"last_page"`
	From        *int `json:"from"`
	To          *int `json:"to"`
}

// ListQuery is the query of the product lists; zero fields are left out.
type ListQuery struct {
	Search, Sort, Dir, Status string
	Page, PerPage             int
}

func (q ListQuery) encode() string {
	v := url.Values{}
	for k, s := range map[string]string{"search": q.Search, "sort": q.Sort, "dir": q.Dir, "status": q.Status} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PerPage > 0 {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// PublicProducts lists active products.
func (c *Client) PublicProducts(ctx context.Context, q ListQuery) (Page[Product], *Response, error) {
	var out Page[Product]
	resp, err := c.Do(ctx, http.MethodGet, "/v1/public/products"+q.encode(), nil, &out)
	return out, resp, err
}

// PublicProduct reads one active product.
func (c *Client) PublicProduct(ctx context.Context, id int64) (Product, *Response, error) {
	var out Product
	resp, err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/v1/public/products/%d", id), nil, &out)
	return out, resp, err
}

// ProductInput is the body of create and update; nil fields are left out.
type ProductInput struct {
	Name        *string `json:"name,omitempty"`
	Slug        *string `json:"slug,omitempty"`
	Description *string `json:"description,omitempty"`
	Price       *string `json:"price,omitempty"`
	Unit        *string `json:"unit,omitempty"`
	Stock       *int    `json:"stock,omitempty"`
	IsActive    *bool   `json:"is_active,omitempty"`
	ProducerID  *int64  `json:"producer_id,omitempty"`
}

// Ptr returns a pointer to v, for ProductInput fields.
func Ptr[T any](v T) *T { return &v }

// CreateProduct creates a product.
func (c *Client) CreateProduct(ctx context.Context, in ProductInput) (Product, *Response, error) {
	var out struct {
		Data Product `json:"data"`
	}
	resp, err := c.Do(ctx, http.MethodPost, "/v1/products", in, &out)
	return out.Data, resp, err
}

// UpdateProduct patches a product.
func (c *Client) UpdateProduct(ctx context.Context, id int64, in ProductInput) (Product, *Response, error) {
	var out struct {
		Data Product `json:"data"`
	}
	resp, err := c.Do(ctx, http.MethodPatch, fmt.Sprintf("/v1/products/%d", id), in, &out)
	return out.Data, resp, err
}

// DeleteProduct deletes a product.
func (c *Client) DeleteProduct(ctx context.Context, id int64) (*Response, error) {
	return c.Do(ctx, http.MethodDelete, fmt.Sprintf("/v1/products/%d", id), nil, nil)
}

// ProducerProducts lists the caller's own products (the producer dashboard API).
func (c *Client) ProducerProducts(ctx context.Context, q ListQuery) (Page[Product], *Response, error) {
	var out Page[Product]
	resp, err := c.Do(ctx, http.MethodGet, "/v1/producer/products"+q.encode(), nil, &out)
	return out, resp, err
}

// CartItem is one line of the cart.
type CartItem struct {
	ID       int64 `json:"id"`
	Quantity int   `json:"quantity"`
	Product  struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Price string `json:"price"`
		Unit  string `json:"unit"`
	} `json:"product"`
	Subtotal string `json:"subtotal"`
}

// Cart is the body of GET /v1/cart/items.
type Cart struct {
	Items       []CartItem `json:"cart_items"`
	TotalItems  int        `json:"total_items"`
	TotalAmount string     `json:"total_amount"`
}

// Cart reads the caller's cart.
func (c *Client) Cart(ctx context.Context) (Cart, *Response, error) {
	var out Cart
	resp, err := c.Do(ctx, http.MethodGet, "/v1/cart/items", nil, &out)
	return out, resp, err
}

// AddToCart adds quantity of a product to the cart.
func (c *Client) AddToCart(ctx context.Context, productID int64, quantity int) (*Response, error) {
	return c.Do(ctx, http.MethodPost, "/v1/cart/items", map[string]any{"product_id": productID, "quantity": quantity}, nil)
}

// OrderItem is one line of an order.
type OrderItem struct {
	ID          int64  `json:"id"`
	ProductID   int64  `json:"product_id"`
	ProducerID  int64  `json:"producer_id"`
	ProductName string `json:"product_name"`
	Quantity    int    `json:"quantity"`
	UnitPrice   string `json:"unit_price"`
	TotalPrice  string `json:"total_price"`
}

// Order is the contract's order object.
type Order struct {
	ID             int64       `json:"id"`
	UserID         int64       `json:"user_id"`
	Status         string      `json:"status"`
	PaymentStatus  string      `json:"payment_status"`
	ShippingMethod string      `json:"shipping_method"`
	Currency       string      `json:"currency"`
	Subtotal       string      `json:"subtotal"`
	TaxAmount      string      `json:"tax_amount"`
	ShippingAmount string      `json:"shipping_amount"`
	TotalAmount    string      `json:"total_amount"`
	Notes          *string     `json:"notes"`
	CreatedAt      string      `json:"created_at"`
	UpdatedAt      string      `json:"updated_at"`
	Items          []OrderItem `json:"order_items"`
}

// Line is one product and quantity of a direct order.
type Line struct {
	ProductID int64 `json:"product_id"`
	Quantity  int   `json:"quantity"`
}

// PlaceOrder posts a direct order (POST /v1/orders).
func (c *Client) PlaceOrder(ctx context.Context, lines []Line, shipping string) (Order, *Response, error) {
	body := map[string]any{"items": lines}
	if shipping != "" {
		body["shipping_method"] = shipping
	}
	var out Order
	resp, err := c.Do(ctx, http.MethodPost, "/v1/orders", body, &out)
	return out, resp, err
}

// Checkout turns the caller's cart into an order.
func (c *Client) Checkout(ctx context.Context, shipping string) (Order, *Response, error) {
	body := map[string]any{}
	if shipping != "" {
		body["shipping_method"] = shipping
	}
	var out struct {
		Message string `json:"message"`
		Order   Order  `json:"order"`
	}
	resp, err := c.Do(ctx, http.MethodPost, "/v1/orders/checkout", body, &out)
	return out.Order, resp, err
}

// Order reads one of the caller's orders.
func (c *Client) Order(ctx context.Context, id int64) (Order, *Response, error) {
	var out Order
	resp, err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/v1/orders/%d", id), nil, &out)
	return out, resp, err
}

// Health is the body of GET /api/health.
type Health struct {
	Status    string `json:"status"`
	Database  string `json:"database"`
	Timestamp string `json:"timestamp"`
	Version   string `json:"version"`
}

// Health reads the health endpoint. Health bodies decode on any status (a 503 says why).
func (c *Client) Health(ctx context.Context) (Health, *Response, error) {
	var out Health
	resp, err := c.Do(ctx, http.MethodGet, "/health", nil, &out)
	if resp != nil && !resp.OK() {
		_ = jsonUnmarshal(resp.Body, &out)
	}
	return out, resp, err
}
