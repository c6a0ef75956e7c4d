package contract

import "github.com/smokeproof/smokeproof/pkg/evidence"

// Caller is a column of the route × caller table: a caller class, and for the classes
// that can own rows, whether the call acted on the caller's own rows or another user's.
type Caller string

// The callers, in the order the table shows them.
const (
	Anonymous         Caller = "anonymous"
	Consumer          Caller = "consumer"       // a consumer on its own rows (or on none)
	ConsumerOther     Caller = "consumer-other" // a consumer on another user's rows
	Producer          Caller = "producer"       // a producer (with a profile) on its own rows (or on none)
	ProducerOther     Caller = "producer-other" // a producer on another producer's or user's rows
	ProducerNoProfile Caller = "producer-no-profile"
	Admin             Caller = "admin"       // an admin on its own rows (or on none)
	AdminOther        Caller = "admin-other" // an admin on another user's rows
)

var callers = []Caller{Anonymous, Consumer, ConsumerOther, Producer, ProducerOther, ProducerNoProfile, Admin, AdminOther}

// Callers returns every caller in table order.
func Callers() []Caller { return append([]Caller(nil), callers...) }

// Label returns the caller as a column heading: "consumer", "consumer, other's rows".
func (c Caller) Label() string {
	switch c {
	case ConsumerOther:
		return "consumer, other's rows"
	case ProducerOther:
		return "producer, other's rows"
	case ProducerNoProfile:
		return "producer without profile"
	case AdminOther:
		return "admin, other's rows"
	}
	return string(c)
}

// Class returns the caller's class (one of the evidence.Class* constants).
func (c Caller) Class() string {
	switch c {
	case ConsumerOther:
		return evidence.ClassConsumer
	case ProducerOther:
		return evidence.ClassProducer
	case AdminOther:
		return evidence.ClassAdmin
	}
	return string(c)
}

// Other reports whether the caller acts on another user's rows.
func (c Caller) Other() bool { return c == ConsumerOther || c == ProducerOther || c == AdminOther }

// Valid reports whether c is one of the callers.
func (c Caller) Valid() bool {
	for _, k := range callers {
		if c == k {
			return true
		}
	}
	return false
}

// other returns the "another user's rows" twin of an own-rows caller, or "" when the
// class owns no rows (anonymous, producer without profile).
func (c Caller) other() Caller {
	switch c {
	case Consumer:
		return ConsumerOther
	case Producer:
		return ProducerOther
	case Admin:
		return AdminOther
	}
	return ""
}

// CallerOf returns the caller of an exchange made by a caller of class (an
// evidence.Class* constant) on rows (evidence.RowsOwn, evidence.RowsOther or ""); ok is
// false when class is not a known class. Anonymous callers and producers without a
// profile own no rows, so rows does not split them.
func CallerOf(class, rows string) (c Caller, ok bool) {
	own := Caller(class)
	switch own {
	case Anonymous, ProducerNoProfile:
		return own, true
	case Consumer, Producer, Admin:
		if rows == evidence.RowsOther {
			return own.other(), true
		}
		return own, true
	}
	return "", false
}
