# smokeproof — run `make` for the list of targets.
SHELL := /bin/bash
GO ?= go
GINKGO := $(GO) tool ginkgo
SMOKE_OUT ?= out
export SMOKE_OUT
# Ryuk (the testcontainers reaper) needs a registry; the suites clean up with DeferCleanup.
export TESTCONTAINERS_RYUK_DISABLED := true

# The switches whose effect depends on the real database (transactions, row locks,
# foreign keys, the schema, the health check): the containers stage runs them on
# MariaDB and PostgreSQL; the embedded stage runs all of them (make mutants).
DB_SWITCHES := order-not-saved stock-not-decremented checkout-no-lock direct-order-skips-stock \
	delete-product-with-orders schema-missing-producer-fk schema-no-foreign-keys \
	no-confirmation-email policy-ignores-owner dashboard-shows-all health-ignores-db

# The CLI, built from this tree (not go run, which turns every exit code into 1; the
# exit codes tell a failed bullet from a broken check).
CLI := .cache/smokeproof

.DEFAULT_GOAL := help
.PHONY: cli help smoke test deps unit mutants lint build binpath images containers live bench clean

cli:
	@$(GO) build -o $(CLI) ./cmd/smokeproof

help: ## list the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-z-]+:.*## /{printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

smoke: cli ## run every suite against the target (SMOKE_TARGET, default embedded), write the documents under $(SMOKE_OUT)/ and fail on a contract gap
	$(CLI) run
	$(CLI) coverage --check

test: deps lint images unit smoke mutants binpath containers live ## run every test (images first, so no test skips for a missing image): unit and contract tests, the suites and the kill matrix on embedded and containers, the binary path, the live target

deps: ## install what the tests need (MariaDB, PostgreSQL, Chromium, debootstrap) with apt-get when missing
	@bash .ci/deps

unit: ## unit, contract and harness tests (plain go test)
	$(GO) test -count=1 ./fixtures/... ./pkg/... ./cmd/...
	$(GO) test -count=1 -run '^TestUnit' ./suites/...
	$(GO) test -count=1 ./tests/newitem

mutants: cli ## the kill matrix: every fault switch of the reference shop must turn its spec red
	$(CLI) mutants

lint: ## gofmt, go vet and staticcheck (installed by make deps)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	@sc=$$(command -v staticcheck || echo "$$($(GO) env GOPATH)/bin/staticcheck"); \
	  if [ ! -x "$$sc" ]; then echo "lint: staticcheck is missing: run make deps (or go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)"; exit 1; fi; \
	  "$$sc" ./...

build: ## bin/smokeproof (static) beside bin/ginkgo and the precompiled suites bin/suites/*.test: runs with no Go toolchain
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o bin/smokeproof ./cmd/smokeproof
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o bin/ginkgo github.com/onsi/ginkgo/v2/ginkgo
	rm -rf bin/suites
	CGO_ENABLED=0 $(GO) test -trimpath -ldflags='-s -w' -c -o bin/suites/ ./suites/*/

binpath: build ## the suites through bin/smokeproof with go removed from PATH, from a directory outside the source tree
	SMOKE_BIN_DIR=$(CURDIR)/bin $(GO) test -count=1 -run '^TestBinaryPath$$' ./cmd/smokeproof

containers: cli ## the suites and the kill matrix against throwaway containers, on MariaDB and on PostgreSQL (after make images)
	SMOKE_TARGET=containers SMOKE_OUT=$(SMOKE_OUT)/containers $(CLI) run
	SMOKE_TARGET=containers SMOKE_OUT=$(SMOKE_OUT)/containers $(CLI) mutants $(DB_SWITCHES)
	SMOKE_TARGET=containers SMOKE_DB_IMAGE=smokeproof/postgres:local SMOKE_OUT=$(SMOKE_OUT)/containers-pg $(CLI) run
	SMOKE_TARGET=containers SMOKE_DB_IMAGE=smokeproof/postgres:local SMOKE_OUT=$(SMOKE_OUT)/containers-pg $(CLI) mutants $(DB_SWITCHES)
	$(GO) test -count=1 ./tests/cleanup

live: ## the live target against the shop as its own process on MariaDB and on PostgreSQL: read-only, then with writes
	bash .ci/live.sh
	bash .ci/live-pg.sh
	$(GO) test -count=1 ./tests/canary

images: build ## build the shop, Mailpit, MariaDB, PostgreSQL and smokeproof (bin/ as a container) images locally (no registry needed)
	bash fixtures/images/build.sh

bench: images ## the performance numbers: Go benchmarks, whole runs of bin/smokeproof, and Venom side by side on the checkout chain
	bash .ci/bench

clean: ## remove the output directory and bin/
	rm -rf "$(SMOKE_OUT)" bin
