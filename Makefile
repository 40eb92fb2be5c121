# cq — two commands do everything on a fresh machine:
#   make run    install what is missing, build, open the shell on data/
#   make test   same set-up, then the whole test suite
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DATA ?= data
BENCH_DIR ?= $(HOME)/.cache/cq-bench

.PHONY: run test build release setup bench bench-postgres microbench data clean fuzz

setup:
	@pkg-config --exists libedit 2>/dev/null || { \
	  echo "cq: installing libedit-dev (line editing)"; \
	  $(SUDO) apt-get install -y libedit-dev || { $(SUDO) apt-get update && $(SUDO) apt-get install -y libedit-dev; }; }
	@pkg-config --exists libpq 2>/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "cq: installing postgresql and libpq-dev (the PostgreSQL engine and its tests)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql libpq-dev || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql libpq-dev; }; }
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
	  echo "cq: installing chromium and poppler-utils (PDF reports and their tests)"; \
	  $(SUDO) apt-get install -y chromium poppler-utils || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium poppler-utils; }; }
	@command -v $(SWIFT) >/dev/null || { echo "cq: swift not found on PATH (Swift 6.3 toolchain needed)"; exit 1; }

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

run: release
	$$($(SWIFT) build -c release --show-bin-path)/cq --data $(DATA)

# The tests run beside three throwaway PostgreSQL servers (Tests/postgres/with-servers.sh: a
# main server holding data/, and two shard servers behind its cq_sharded database), stopped and
# removed at the end even on failure. First the whole tree, nested packages included, is linted
# with the repo's .swift-format.
test: setup
	$(SWIFT) format lint --strict -r Package.swift Sources Tests \
	  Benchmarks/Package.swift Benchmarks/Benchmarks Fuzz/Package.swift Fuzz/Sources
	$(SWIFT) build --build-tests
	CQ_BIN=$$($(SWIFT) build --show-bin-path)/cq Tests/postgres/with-servers.sh --load data $(SWIFT) test --skip-build

# The bundled data set: scale 1, seed 20250423 (SPEC §7), with store_orders.csv (lift_revenue, iroas).
data: release
	$$($(SWIFT) build -c release --show-bin-path)/cq simulate --seed 20250423 --scale 1 --store-orders --out data

# cq against DuckDB/Polars (bench/run.sh, scale 500), then the micro-benchmarks.
bench: release
	BENCH_DIR=$(BENCH_DIR) CQ=$$($(SWIFT) build -c release --show-bin-path)/cq bench/run.sh
	$(MAKE) bench-postgres
	$(MAKE) microbench

# cq on PostgreSQL against hand-written SQL on the same throwaway server (bench/postgres/run.sh):
# Q1–Q7 and the second question set, scale 50 (BENCH_PG_SCALES="50 500" for more);
# writes bench/results-postgres.md.
BENCH_PG_SCALES ?= 50
bench-postgres: release
	BENCH_DIR=$(BENCH_DIR) CQ=$$($(SWIFT) build -c release --show-bin-path)/cq bench/postgres/run.sh $(BENCH_PG_SCALES)

# package-benchmark suites in Benchmarks/ (a nested package: `swift test` never builds them).
# Extra plugin flags: make microbench MICROBENCH_ARGS="--filter 'engine/.*' --format markdown"
MICROBENCH_ARGS ?= --no-progress
microbench: setup
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark $(MICROBENCH_ARGS)

# libFuzzer + ASan targets in Fuzz/ (a nested package: `make test` never builds them), each run
# FUZZ_SECONDS; crashes go to Fuzz/artifacts/TARGET/, and a summary is printed (Fuzz/run.sh).
#   make fuzz FUZZ_SECONDS=1800 FUZZ_TARGETS=csv FUZZ_ARGS="-seed=1"
FUZZ_SECONDS ?= 180
FUZZ_TARGETS ?= statements csv
FUZZ_ARGS ?=
fuzz:
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_ARGS="$(FUZZ_ARGS)" Fuzz/run.sh $(FUZZ_TARGETS)

clean:
	rm -rf .build Benchmarks/.build
