package containers_test

import (
	"cmp"
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/target/containers"
)

// BenchmarkDatabaseReady opens the containers target on MariaDB and on PostgreSQL
// and reports how long the database container took to be ready (the "database"
// start-up fact), beside the whole Open. Run it with a small -benchtime (each
// iteration starts three containers):
//
//	TESTCONTAINERS_RYUK_DISABLED=true go test -run '^$' -bench DatabaseReady -benchtime 3x ./pkg/target/containers
func BenchmarkDatabaseReady(b *testing.B) {
	app := cmp.Or(os.Getenv("SMOKE_APP_IMAGE"), containers.DefaultAppImage)
	for _, db := range []struct{ name, image string }{
		{"mariadb", containers.DefaultDBImage},
		{"postgres", postgresImage},
	} {
		b.Run(db.name, func(b *testing.B) {
			for _, img := range []string{db.image, containers.DefaultMailImage, app} {
				if err := exec.Command("docker", "image", "inspect", img).Run(); err != nil {
					b.Skipf("image %s is missing (or Docker is down): run make images first", img)
				}
			}
			var dbMillis float64
			for b.Loop() {
				e, stop, err := containers.Open(context.Background(), containers.Options{DBImage: db.image, AppImage: app})
				if err != nil {
					_ = stop()
					b.Fatalf("Open on %s: %v", db.image, err)
				}
				for _, tm := range e.Facts.Startup {
					if tm.Name == "database" {
						dbMillis += tm.Millis
					}
				}
				b.StopTimer()
				if err := stop(); err != nil {
					b.Fatalf("stop: %v", err)
				}
				b.StartTimer()
			}
			b.ReportMetric(dbMillis/float64(b.N), "db-ready-ms/op")
		})
	}
}
