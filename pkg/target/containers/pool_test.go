package containers_test

import (
	"context"
	"slices"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/pkg/target/containers"
)

// TestPoolGivesEveryPassAFreshDatabase is the kill matrix's use of the containers
// target: one database server and mail catcher, an app per fault pass. A pass that
// migrated a broken schema (no foreign keys) must leave the next pass a fresh one, the
// database container must be the same, and one app runs at a time.
func TestPoolGivesEveryPassAFreshDatabase(t *testing.T) {
	for _, tc := range []struct{ image, foreignKeys string }{
		{containers.DefaultDBImage, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"},
		{postgresImage, "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'"},
	} {
		t.Run(tc.image, func(t *testing.T) {
			requireDocker(t)
			requireImages(t, tc.image, containers.DefaultMailImage, containers.DefaultAppImage)
			t.Setenv("SMOKE_TARGET", "containers")
			t.Setenv("SMOKE_DB_IMAGE", tc.image)
			cfg, err := config.Load(nil)
			if err != nil {
				t.Fatal(err)
			}
			before := runIDs(t)
			ctx := context.Background()
			p, err := containers.Driver{}.OpenPool(ctx, cfg, tWriter{t})
			var id string
			if ids := slices.DeleteFunc(runIDs(t), func(s string) bool { return slices.Contains(before, s) }); len(ids) == 1 {
				id = ids[0]
				t.Cleanup(func() { assertNothingLeft(t, id) })
			}
			defer func() {
				if err := p.Stop(); err != nil {
					t.Errorf("stop the pool: %v", err)
				}
			}()
			if err != nil {
				t.Fatalf("OpenPool: %v", err)
			}
			if id == "" {
				t.Fatal("the pool's containers carry no run label of their own")
			}

			pass := func(faults string) (target.Endpoints, int) {
				t.Helper()
				o, err := p.Open(ctx, faults)
				defer func() {
					if err := o.Stop(); err != nil {
						t.Errorf("stop the pass: %v", err)
					}
				}()
				if err != nil {
					t.Fatalf("pass with SHOP_FAULTS=%q: %v", faults, err)
				}
				if apps := dockerLines(t, "ps", "-q", "--filter", "label="+containers.RunLabel+"="+id, "--filter", "ancestor="+containers.DefaultAppImage); len(apps) != 1 {
					t.Errorf("%d app containers during a pass, want 1", len(apps))
				}
				db, err := target.OpenDB(ctx, o.DSN, true)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				var n int
				if err := db.QueryRowContext(ctx, tc.foreignKeys).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return o.Endpoints, n
			}
			first, fks := pass("schema-no-foreign-keys")
			if fks != 0 {
				t.Errorf("the pass with schema-no-foreign-keys has %d foreign keys, want 0", fks)
			}
			second, fks := pass("")
			if fks == 0 {
				t.Error("the next pass kept the broken schema: no foreign keys")
			}
			if first.DSN != second.DSN || first.Mail != second.Mail {
				t.Errorf("the passes did not share the database and mail catcher: %s / %s", first.Mail, second.Mail)
			}
			if first.WebBase == second.WebBase {
				t.Errorf("both passes reached the app at %s: want a new app per pass", first.WebBase)
			}
			if second.Facts.Faults != "" || first.Facts.Faults != "schema-no-foreign-keys" {
				t.Errorf("facts faults %q then %q", first.Facts.Faults, second.Facts.Faults)
			}
		})
	}
}

// runIDs lists the values of the run label on running containers.
func runIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, l := range dockerLines(t, "ps", "--filter", "label="+containers.RunLabel, "--format", `{{.Label "`+containers.RunLabel+`"}}`) {
		if !slices.Contains(ids, l) {
			ids = append(ids, l)
		}
	}
	return ids
}
