#!/usr/bin/env bash
# `make fuzz`: builds the fuzz package (libFuzzer + ASan, optimized) and runs each target.
#
#   Fuzz/run.sh [TARGET...]          targets: statements csv (default: both)
#
# Environment (the Makefile passes its variables through):
#   FUZZ_SECONDS=180   wall time per target
#   FUZZ_ARGS=         extra libFuzzer flags, e.g. "-jobs=2" or "-seed=1"
#   SWIFT=swift
#
# A target runs in fork mode (-fork=1 -ignore_crashes=1), so one crash does not end the run:
# every crash, timeout or out-of-memory input is saved under Fuzz/artifacts/TARGET/ (crash-*,
# timeout-*, oom-*) and the run goes on. New inputs go to Fuzz/.corpus/TARGET/ (kept between
# runs, gitignored); Fuzz/Corpus/TARGET/ holds the committed seeds. Inputs in
# Fuzz/Regressions/TARGET/ (crashes found earlier) are replayed first, each reported as
# "fixed" or "still crashes". Logs: Fuzz/artifacts/TARGET/fuzz.log.
#
# Reproduce one input (prints the stack; CQ_FUZZ_VERBOSE=1 also prints cq's output):
#   ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no \
#     Fuzz/.build/release/statements Fuzz/Regressions/statements/NAME
set -uo pipefail
cd "$(dirname "$0")"
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-180}
FUZZ_ARGS=${FUZZ_ARGS:-}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(statements csv)

# -enable-testing: the csv target reaches the loader's chunked parse through @testable import.
build=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)
$SWIFT build "${build[@]}" || exit 1
bin=$($SWIFT build "${build[@]}" --show-bin-path)

# Swift's runtime leaks a little by design; libFuzzer reports crashes itself.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1}
export SWIFT_BACKTRACE=enable=no

summary=()
for t in "${targets[@]}"; do
  case $t in
    statements) max_len=4096 ;;
    csv) max_len=65536 ;;
    *) echo "fuzz: unknown target '$t' (statements, csv)" >&2; exit 2 ;;
  esac
  mkdir -p ".corpus/$t" "artifacts/$t"
  log="artifacts/$t/fuzz.log"

  regressions=""
  if compgen -G "Regressions/$t/*" >/dev/null; then
    fixed=0 crashing=0
    for r in Regressions/"$t"/*; do
      if timeout 120 "$bin/$t" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 "$r" >/dev/null 2>&1; then
        fixed=$((fixed + 1)); echo "fuzz: $t: $r: fixed"
      else
        crashing=$((crashing + 1)); echo "fuzz: $t: $r: still crashes"
      fi
    done
    regressions=", regressions: $crashing of $((fixed + crashing)) still crash"
  fi

  before=$(ls "artifacts/$t" | grep -cE '^(crash|timeout|oom|leak)-')
  echo "fuzz: $t for ${FUZZ_SECONDS}s (log: Fuzz/$log)"
  start=$(date +%s)
  # shellcheck disable=SC2086
  nice -n 10 "$bin/$t" ".corpus/$t" "Corpus/$t" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$FUZZ_SECONDS" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
    -dict="$t.dict" -artifact_prefix="artifacts/$t/" -print_final_stats=1 $FUZZ_ARGS >"$log" 2>&1
  status=$?
  elapsed=$(( $(date +%s) - start ))
  after=$(ls "artifacts/$t" | grep -cE '^(crash|timeout|oom|leak)-')
  # Fork mode: the last "#N: ... oom/timeout/crash: a/b/c" status line counts executions and
  # crashes over all jobs; without fork, stat::number_of_executed_units does.
  execs=$(grep -oE '^#[0-9]+:' "$log" | tail -1 | tr -dc 0-9)
  [ -n "$execs" ] || execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  crashes=$(grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  summary+=("$t: ${execs:-0} executions in ${elapsed}s, oom/timeout/crash ${crashes:-0/0/0}, $((after - before)) new artifacts in Fuzz/artifacts/$t/$regressions (exit $status)")
done

echo
echo "fuzz summary:"
for line in "${summary[@]}"; do echo "  $line"; done
