package containers_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/smokeproof/smokeproof/pkg/target/containers"
)

// Open the reference shop with its database and Mailpit in containers, use the
// endpoints, and remove everything again (also when Open fails).
func ExampleOpen() {
	e, stop, err := containers.Open(context.Background(), containers.Options{
		DBImage:     "smokeproof/mariadb:local", // or mysql:8.4 where a registry is reachable
		Faults:      "wrong-tax",
		StartupWait: time.Minute,
		Progress:    os.Stderr, // "containers: database smokeproof/mariadb:local ready in 2.8s" ...
	})
	defer stop()
	if err != nil {
		fmt.Println(err) // e.g. image smokeproof/shop:local is not on this machine ...: run `make images` ...
		return
	}
	fmt.Println(e.APIBase, e.Mail, e.Facts.Startup)
}

// A foreign app (here a Laravel image) with its own port, health path, environment and
// migrations; its accounts are not known to the driver.
func ExampleOpen_foreignApp() {
	_, stop, err := containers.Open(context.Background(), containers.Options{
		AppImage:  "registry.example.org/market:staging",
		AppPort:   80,
		AppHealth: "/up",
		AppEnv:    map[string]string{"APP_KEY": "base64:...", "DB_CONNECTION": "mariadb"}, // DB_* and MAIL_* are set

		AppMigrate: "php artisan migrate --force --seed",
	})
	defer stop()
	if err != nil {
		fmt.Println(err)
	}
}
