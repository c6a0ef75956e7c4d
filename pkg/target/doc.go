// Package target defines the portable Target the suites run against and Open, which
// starts or connects to one according to the configuration. The drivers live in
// sub-packages: embedded (everything in-process), containers (testcontainers-go) and
// live (a deployed site). Targets differ in capabilities, never in spec code paths.
package target
