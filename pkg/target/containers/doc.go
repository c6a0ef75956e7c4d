// Package containers is the throwaway-containers target: a database (MariaDB or MySQL),
// the app under test and a Mailpit mail catcher on one private Docker network, started
// with testcontainers-go and its mariadb, mysql and mailpit modules.
//
// The app reaches the database as db:3306 and SMTP as mail:1025 by network alias; the
// harness reaches all three through ports Docker maps on the host. Open checks first that
// Docker answers and that every image is already on this machine (no registry is assumed
// reachable: `make images` builds the smokeproof/*:local ones), so a broken setup fails
// in seconds with one sentence naming the fix.
//
// Ryuk, the testcontainers reaper, is off (TESTCONTAINERS_RYUK_DISABLED=true): it is an
// image that would have to be pulled. Instead every container and the network carry the
// label org.smokeproof.run=<run id> (besides testcontainers' org.testcontainers=true),
// and the stop function Open returns removes them, then sweeps anything else carrying
// the run's label, with its own context so that it works after the run's context was
// cancelled (SIGINT).
//
// When the Docker daemon runs inside the same container as the harness (as on the CI
// machine), testcontainers would look for published ports on the default gateway; Open
// then sets TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 (unless it is set already).
package containers
