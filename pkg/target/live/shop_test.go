package live_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/pkg/target/embedded"
	"github.com/smokeproof/smokeproof/pkg/target/live"
)

// The reference shop, opened as if it were a deployed site: its seed accounts sign in,
// its database opens read-only, and the endpoints say so.
func TestOpenTheReferenceShopAsALiveSite(t *testing.T) {
	ctx := context.Background()
	shop, stop, err := embedded.Open(ctx, embedded.Options{})
	defer stop()
	if err != nil {
		t.Fatal(err)
	}
	a := shop.Accounts
	vars := map[string]string{
		"SMOKE_ADMIN_EMAIL": a.Admin.Email, "SMOKE_ADMIN_PASSWORD": a.Admin.Password,
		"SMOKE_PRODUCER_A_EMAIL": a.ProducerA.Email, "SMOKE_PRODUCER_A_PASSWORD": a.ProducerA.Password,
		"SMOKE_PRODUCER_B_EMAIL": a.ProducerB.Email, "SMOKE_PRODUCER_B_PASSWORD": a.ProducerB.Password,
		"SMOKE_PRODUCER_NOPROFILE_EMAIL": a.ProducerNoProfile.Email, "SMOKE_PRODUCER_NOPROFILE_PASSWORD": a.ProducerNoProfile.Password,
		"SMOKE_CONSUMER_EMAIL": a.Consumer.Email, "SMOKE_CONSUMER_PASSWORD": a.Consumer.Password,
	}
	start := time.Now()
	e, _, err := live.Open(ctx, live.Options{BaseURL: shop.WebBase, DSN: shop.DSN, Mail: "notifications-table", Getenv: env(vars)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("opened the reference shop as a live site in %s: %+v", time.Since(start), e.Facts.Startup)
	if e.Accounts != a {
		t.Errorf("accounts = %+v, want the seed accounts", e.Accounts)
	}
	if !strings.HasPrefix(e.Facts.Database, "read-only DSN to 127.0.0.1:") || e.Mail != "notifications-table" {
		t.Errorf("facts = %+v", e.Facts)
	}
	// (The in-process database does not enforce read-only sessions; tests/canary and
	// .ci/live.sh check that MariaDB refuses a write through the live target's handle.)
	tg, closer, err := target.Attach(ctx, e, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	var n int
	if err := tg.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM products").Scan(&n); err != nil || n == 0 {
		t.Errorf("read products through the attached handle: %d rows, %v", n, err)
	}

	// An account the site does not know.
	vars["SMOKE_PRODUCER_A_EMAIL"], vars["SMOKE_PRODUCER_A_PASSWORD"] = a.Consumer.Email+"x", "y"
	_, _, err = live.Open(ctx, live.Options{BaseURL: shop.WebBase, Getenv: env(vars)})
	if err == nil || !strings.Contains(err.Error(), "SMOKE_PRODUCER_A_EMAIL/SMOKE_PRODUCER_A_PASSWORD are wrong") {
		t.Errorf("unknown producer A: err = %v", err)
	}
}
