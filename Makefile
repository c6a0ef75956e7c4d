# smokeproof — run `make` for the list of targets.
SHELL := /bin/bash
GO ?= go
GINKGO := $(GO) tool ginkgo
SMOKE_OUT ?= out
export SMOKE_OUT
# Ryuk (the testcontainers reaper) needs a registry; the suites clean up with DeferCleanup.
export TESTCONTAINERS_RYUK_DISABLED := true

.DEFAULT_GOAL := help
.PHONY: help smoke test deps unit mutants lint images containers live bench clean

help: ## list the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-z-]+:.*## /{printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

smoke: ## run every suite against the target (SMOKE_TARGET, default embedded), write the documents under $(SMOKE_OUT)/ and fail on a contract gap
	$(GO) run ./cmd/smokeproof run
	$(GO) run ./cmd/smokeproof coverage --check

test: deps lint images unit smoke mutants containers live ## run every test (images first, so no test skips for a missing image): unit and contract tests, the suites and the kill matrix on embedded and containers, the live target

deps: ## install what the tests need (MariaDB, PostgreSQL, Chromium, debootstrap) with apt-get when missing
	@bash .ci/deps

unit: ## unit, contract and harness tests (plain go test)
	$(GO) test -count=1 ./fixtures/... ./pkg/... ./cmd/...
	$(GO) test -count=1 -run '^TestUnit' ./suites/...
	$(GO) test -count=1 ./tests/newitem

mutants: ## the kill matrix: every fault switch of the reference shop must turn its spec red
	$(GO) run ./cmd/smokeproof mutants

lint: ## gofmt, go vet and staticcheck (installed by make deps)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	@sc=$$(command -v staticcheck || echo "$$($(GO) env GOPATH)/bin/staticcheck"); \
	  if [ ! -x "$$sc" ]; then echo "lint: staticcheck is missing: run make deps (or go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)"; exit 1; fi; \
	  "$$sc" ./...

containers: ## the suites and the kill matrix against throwaway containers, on MariaDB and on PostgreSQL (after make images)
	SMOKE_TARGET=containers SMOKE_OUT=$(SMOKE_OUT)/containers $(GO) run ./cmd/smokeproof run
	SMOKE_TARGET=containers SMOKE_OUT=$(SMOKE_OUT)/containers $(GO) run ./cmd/smokeproof mutants
	SMOKE_TARGET=containers SMOKE_DB_IMAGE=smokeproof/postgres:local SMOKE_OUT=$(SMOKE_OUT)/containers-pg $(GO) run ./cmd/smokeproof run
	SMOKE_TARGET=containers SMOKE_DB_IMAGE=smokeproof/postgres:local SMOKE_OUT=$(SMOKE_OUT)/containers-pg $(GO) run ./cmd/smokeproof mutants
	$(GO) test -count=1 ./tests/cleanup

live: ## the live target against the shop as its own process on MariaDB and on PostgreSQL: read-only, then with writes
	bash .ci/live.sh
	bash .ci/live-pg.sh
	$(GO) test -count=1 ./tests/canary

images: ## build the shop, Mailpit, MariaDB and PostgreSQL images locally (no registry needed)
	bash fixtures/images/build.sh

bench: ## the performance numbers: Go benchmarks and whole-run timings after the build
	bash .ci/bench

clean: ## remove the output directory
	rm -rf "$(SMOKE_OUT)"
