package containers

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/modules/postgres"
	"github.com/testcontainers/testcontainers-go/network"
)

// PostgreSQL as the containers target's database (issue 14): an image whose name
// says postgres (smokeproof/postgres:local, postgres:17) runs through testcontainers'
// postgres module, honouring the official image's POSTGRES_* contract; the app gets a
// PostgreSQL SHOP_DB_DSN and DB_CONNECTION=pgsql, the harness a postgres:// DSN.

// pgPort is PostgreSQL's port inside its container.
const pgPort = "5432/tcp"

// isPostgres reports whether img names a PostgreSQL image.
func isPostgres(img string) bool { return strings.Contains(strings.ToLower(img), "postgres") }

// startPostgres runs the database with the postgres module: the marketplace database
// and its owner, waiting for the ready line twice (initdb's temporary server, then
// the real one) and the port, within StartupWait. It returns the container (nil when
// none was created) with any error.
func startPostgres(ctx context.Context, o Options, nw *testcontainers.DockerNetwork, common []testcontainers.ContainerCustomizer, password string) (testcontainers.Container, error) {
	c, err := postgres.Run(ctx, o.DBImage, slices.Concat(common, []testcontainers.ContainerCustomizer{
		network.WithNetwork([]string{dbAlias}, nw),
		postgres.WithDatabase(dbName), postgres.WithUsername(dbUser), postgres.WithPassword(password),
		postgres.BasicWaitStrategies(),
		testcontainers.WithAdditionalWaitStrategyAndDeadline(o.StartupWait),
	})...)
	if c == nil {
		return nil, err
	}
	return c, err
}

// dbPortOf returns the database's port inside its container.
func dbPortOf(img string) string {
	if isPostgres(img) {
		return pgPort
	}
	return dbPort
}

// postgresAppEnv is what the app needs instead of the MySQL settings: the shop's
// PostgreSQL SHOP_DB_DSN and Laravel's pgsql connection.
func postgresAppEnv(password string) map[string]string {
	return map[string]string{
		"SHOP_DB_DSN":   pgDSN(password, dbAlias+":5432"),
		"DB_CONNECTION": "pgsql",
		"DB_PORT":       "5432",
	}
}

// harnessDSN returns the DSN the harness opens (read-only) at addr, a mapped port.
func harnessDSN(img, password, addr string) string {
	if isPostgres(img) {
		return pgDSN(password, addr)
	}
	return fmt.Sprintf("%s:%s@tcp(%s)/%s?parseTime=true", dbUser, password, addr, dbName)
}

func pgDSN(password, addr string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(dbUser, password), Host: addr, Path: "/" + dbName, RawQuery: "sslmode=disable"}
	return u.String()
}

// shortVersion keeps what names the server of SELECT VERSION(): PostgreSQL's answer
// goes on with the platform and compiler ("… on x86_64-pc-linux-gnu, compiled by …").
func shortVersion(v string) string {
	if i := strings.Index(v, " on "); i > 0 && strings.HasPrefix(v, "PostgreSQL") {
		return v[:i]
	}
	return v
}
