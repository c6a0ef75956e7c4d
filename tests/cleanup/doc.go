// Package cleanup checks, at suite level, that a containers run leaves nothing behind:
// no container and no network labelled org.testcontainers=true after a passing run, a
// failing run, and a run interrupted with SIGINT in the middle of a suite.
package cleanup
