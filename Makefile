# wsgidock: build, test, benchmark, fuzz and lint.
GO       ?= go
FUZZTIME ?= 60s
BIN      ?= bin/wsgidock

.PHONY: build test bench fuzz lint

build:
	$(GO) build -o $(BIN) ./cmd/wsgidock

# The README's test command: installs the oracle packages when it can,
# then runs every test. Tests that need httpd or a Docker engine skip with a
# message when those are missing, unless WSGIDOCK_REQUIRE_* says otherwise.
test:
	./.ci/install-deps
	$(GO) test -count=1 -timeout 40m ./...

# Go benchmarks, then whole-process comparisons against apache2 -t and
# docker compose; see BENCHMARKS.md.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/wsgidock-bench -wsgidock $(BIN)

# Every fuzz target in the module, FUZZTIME each: a duration (60s) or a
# number of executions (20000x). CI gives a count: with a duration, Go
# 1.26's fuzzing coordinator can report "context deadline exceeded" when
# the time runs out (golang/go#75804, fixed in Go 1.27); a count has no
# deadline to race.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 500x -parallel 1 $$pkg; \
	  done; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
