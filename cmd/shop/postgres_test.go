package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/fixtures/pgsqld"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
)

func TestPostgresConfigMistakes(t *testing.T) {
	for name, c := range map[string]struct{ dsn, want string }{
		"no database URL":     {"postgres://app:s3cret-pw@127.0.0.1:1", "names no database"},
		"no database keyword": {"host=127.0.0.1 port=1 user=app password=s3cret-pw", "names no database"},
		"bad port":            {"postgres://app:s3cret-pw@127.0.0.1:port/marketplace", "not a valid PostgreSQL DSN"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"migrate"}, envOf(map[string]string{"SHOP_DB_DSN": c.dsn}), &out, &errb)
		msg := errb.String()
		if code != 2 || !strings.Contains(msg, c.want) || !strings.Contains(msg, "SHOP_DB_DSN") || strings.Contains(msg, "s3cret-pw") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one sentence mentioning %q without the password", name, code, msg, c.want)
		}
	}
}

func TestUnreachablePostgresExit1(t *testing.T) {
	var out, errb bytes.Buffer
	dsn := fmt.Sprintf("postgres://app:s3cret-pw@127.0.0.1:%d/marketplace", freePort(t))
	code := run(context.Background(), []string{"migrate"}, envOf(map[string]string{"SHOP_DB_DSN": dsn, "SHOP_DB_WAIT": "1"}), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "did not answer within 1s") || !strings.Contains(errb.String(), "SHOP_DB_DSN") || strings.Contains(errb.String(), "s3cret-pw") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// TestServeOnPostgres migrates, seeds and serves on Debian's PostgreSQL, picked by
// the URL form of SHOP_DB_DSN, and places one order.
func TestServeOnPostgres(t *testing.T) {
	srv := pgsqld.StartT(t, "marketplace")
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	// the keyword form, to prove it picks pgx too
	dsn := fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=marketplace sslmode=disable", srv.Port())
	env := map[string]string{"SHOP_DB_DSN": dsn, "SHOP_ADDR": addr, "SHOP_MAILER": "log", "SHOP_MAIL_LOG": t.TempDir() + "/laravel.log", "SHOP_MIGRATE": "1", "SHOP_DB_WAIT": "5"}
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	var out, errb syncBuffer
	done := serveT(t, sctx, env, &out, &errb)
	base := "http://" + addr
	body, _ := json.Marshal(map[string]any{"email": fixturesql.Consumer1.Email, "password": fixturesql.Consumer1.Password})
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	_ = json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if res.StatusCode != 200 || login.Token == "" {
		t.Fatalf("login on PostgreSQL: %d", res.StatusCode)
	}
	res, err = http.Get(base + "/api/v1/public/products?search=basil")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Data []struct{ ID float64 } }
	_ = json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if len(list.Data) != 1 {
		t.Fatalf("basil not found (case-insensitive search): %+v", list)
	}
	body, _ = json.Marshal(map[string]any{"items": []any{map[string]any{"product_id": list.Data[0].ID, "quantity": 2}}})
	req, _ := http.NewRequest("POST", base+"/api/v1/orders", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+login.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var order struct {
		ID    float64 `json:"id"`
		Total string  `json:"total_amount"`
	}
	_ = json.NewDecoder(res.Body).Decode(&order)
	res.Body.Close()
	if res.StatusCode != 201 || order.ID <= 0 {
		t.Fatalf("order on PostgreSQL: %d %+v; stderr %s", res.StatusCode, order, errb.String())
	}
	stop()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d: %s", code, errb.String())
	}
}
