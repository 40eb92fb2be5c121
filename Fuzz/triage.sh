#!/usr/bin/env bash
# Groups libFuzzer artifacts by where they crash: Fuzz/triage.sh TARGET [FILE...]
#
# Replays each file (default: Fuzz/artifacts/TARGET/crash-* and timeout-*) and prints one line
# per distinct crash: the kind (Swift runtime failure, fatal error, ASan report, timeout), the
# first frame in cq's sources (Sources/…:LINE), how many inputs hit it, and the smallest one.
set -uo pipefail
cd "$(dirname "$0")"
t=${1:?usage: Fuzz/triage.sh TARGET [FILE...]}
shift
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(artifacts/"$t"/crash-* artifacts/"$t"/timeout-*)
bin=$(${SWIFT:-swift} build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing --show-bin-path)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1}
export SWIFT_BACKTRACE=enable=no
declare -A count smallest size
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  out=$(timeout 60 "$bin/$t" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 "$f" 2>&1)
  status=$?
  [ $status -eq 0 ] && continue
  kind=$(grep -oE 'Swift runtime failure: [^/]*|Fatal error: .{0,80}|ERROR: AddressSanitizer: [a-z-]+|ERROR: libFuzzer: (timeout|out-of-memory)[^ ]*' <<<"$out" | head -1)
  [ $status -eq 124 ] && kind="timeout (60s replay)"
  frame=$(grep -oE '(Shared|Sources)/CQ[A-Za-z]+/[^ ]+\.swift:[0-9]+' <<<"$out" | head -1 | sed 's|^Shared/|Sources/|')
  key="${kind:-exit $status} at ${frame:-?}"
  count[$key]=$(( ${count[$key]:-0} + 1 ))
  n=$(wc -c <"$f")
  if [ -z "${size[$key]:-}" ] || [ "$n" -lt "${size[$key]}" ]; then size[$key]=$n; smallest[$key]=$f; fi
done
for key in "${!count[@]}"; do
  echo "${count[$key]}x  $key  (smallest: Fuzz/${smallest[$key]}, ${size[$key]} bytes)"
done | sort -rn
