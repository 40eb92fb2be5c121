#!/usr/bin/env bash
# make bench-postgres: cq on PostgreSQL against hand-written SQL on the same server, same run.
#
#   CQ=path/to/release/cq BENCH_DIR=~/.cache/cq-bench bench/postgres/run.sh [SCALE…]   (default: 50)
#
# For each scale: `cq simulate --seed 1 --scale K --store-orders` (once, cached in BENCH_DIR),
# a throwaway PostgreSQL server on loopback (settings below, for a 2-core 24 GB machine, both
# sides alike), `cq load --into` timed, cq's first connect (derived tables) timed, then
# bench/postgres/compare.py: Q1–Q7 (../shared/bench/anchors.py) and H1–H13 (bench/questions.py),
# cq's own --timing against psql's \timing of bench/postgres/sql/*.sql, answers checked.
# Results: $BENCH_DIR/postgres-sfK.{json,md}; bench/results-postgres.md gets the tables between
# its generated markers (the hand-written analysis around them is kept).
# Env: BENCH_PG_RUNS (timed runs per round, default 5), BENCH_PG_ROUNDS (default 1),
# BENCH_PG_TIMEOUT_S (statement_timeout of both sides while timing, default 120).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${CQ:?CQ must name the release cq binary}"
: "${BENCH_DIR:=$HOME/.cache/cq-bench}"
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(50)
mkdir -p "$BENCH_DIR"
CQ=$(cd "$(dirname "$CQ")" && pwd)/$(basename "$CQ")

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -x "$bindir/initdb" ] || { echo "bench-postgres: no PostgreSQL under /usr/lib/postgresql (make setup installs it)" >&2; exit 1; }
as_server=()
[ "$(id -u)" != 0 ] || as_server=(runuser -u postgres --)

# Server settings (both sides): a 2-core, 24 GB machine running one analytic session.
PG_SETTINGS=(
  -c shared_buffers=6GB -c effective_cache_size=16GB -c work_mem=256MB -c maintenance_work_mem=1GB
  -c max_parallel_workers_per_gather=1 -c max_parallel_workers=2 -c max_worker_processes=4
  -c jit=off -c random_page_cost=1.1
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=8GB
)

base=
stop_server() {
  if [ -n "$base" ]; then
    "${as_server[@]}" "$bindir/pg_ctl" -D "$base/db" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$base"
    base=
  fi
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() {
  base=$(mktemp -d "${TMPDIR:-/tmp}/cq-benchpg.XXXXXX")
  chmod 755 "$base"
  [ ${#as_server[@]} -eq 0 ] || chown postgres: "$base"
  "${as_server[@]}" "$bindir/initdb" -D "$base/db" -U postgres -E UTF8 --locale=C --auth=trust -N >"$base/initdb.log" 2>&1 ||
    { cat "$base/initdb.log" >&2; exit 1; }
  for _ in 1 2 3 4 5; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if "${as_server[@]}" "$bindir/pg_ctl" -D "$base/db" -l "$base/server.log" -w -t 120 \
      -o "-c listen_addresses=127.0.0.1 -k $base -p $port ${PG_SETTINGS[*]}" start >/dev/null 2>&1; then
      "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "create database bench" >/dev/null
      url="postgres://postgres@127.0.0.1:$port/bench"
      return 0
    fi
  done
  cat "$base/server.log" >&2
  exit 1
}

now() { date +%s.%N; }

for k in "${scales[@]}"; do
  data="$BENCH_DIR/pg-sf$k"
  if [ ! -f "$data/store_orders.csv" ]; then
    echo "generating scale-$k data (seed 1, store orders) into $data (once) ..." >&2
    "$CQ" simulate --seed 1 --scale "$k" --store-orders --out "$data" >/dev/null
  fi
  start_server
  echo "bench-postgres: scale $k, PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $url" >&2
  t0=$(now)
  "$CQ" load "$data" --into "$url" >"$BENCH_DIR/pg-load.log" 2>&1 || { cat "$BENCH_DIR/pg-load.log" >&2; exit 1; }
  t1=$(now)
  # First connect after a load: cq checks the tables, reads the catalogue and builds cq_derived.
  "$CQ" --norc --engine "$url" -c 'show tables' >/dev/null
  t2=$(now)
  # Visibility map and hint bits set, statistics fresh: the same tables for both sides.
  "$bindir/psql" -X -q -d "$url" -c 'vacuum (freeze, analyze)' >/dev/null
  t3=$(now)
  # A later connect: fingerprint (one pass over each table's xmin), catalogue and derived tables
  # read from cq_derived; it records that nothing changed since its scan.
  "$CQ" --norc --engine "$url" -c 'show tables' >/dev/null
  t4=$(now)
  # The next: no transaction since, so the last scan's fingerprint stands (no pass).
  "$CQ" --norc --engine "$url" -c 'show tables' >/dev/null
  t5=$(now)
  load_s=$(echo "$t1 - $t0" | bc); derive_s=$(echo "$t2 - $t1" | bc)
  connect_s=$(echo "$t4 - $t3" | bc); quiet_s=$(echo "$t5 - $t4" | bc)
  echo "bench-postgres: cq load --into ${load_s}s, first connect (derived tables) ${derive_s}s, later connect ${connect_s}s, next ${quiet_s}s" >&2
  PGOPTIONS="-c statement_timeout=${BENCH_PG_TIMEOUT_S:-120}s" CQ="$CQ" PSQL="$bindir/psql" python3 "$here/compare.py" --url "$url" --data "$data" --scale "$k" \
    --load-s "$load_s" --derive-s "$derive_s" --connect-s "$connect_s" --quiet-s "$quiet_s" \
    --runs "${BENCH_PG_RUNS:-5}" --rounds "${BENCH_PG_ROUNDS:-1}" --timeout-s "${BENCH_PG_TIMEOUT_S:-120}" \
    --settings "${PG_SETTINGS[*]}" --json "$BENCH_DIR/postgres-sf$k.json" > "$BENCH_DIR/postgres-sf$k.md"
  cat "$BENCH_DIR/postgres-sf$k.md"
  stop_server
done

# bench/results-postgres.md: replace the generated section, keep the rest.
results="$here/../results-postgres.md"
begin='<!-- generated by make bench-postgres: begin -->'
end='<!-- generated by make bench-postgres: end -->'
gen=$(mktemp)
{
  echo "$begin"
  for k in "${scales[@]}"; do cat "$BENCH_DIR/postgres-sf$k.md"; echo; done
  echo "$end"
} >"$gen"
if [ -f "$results" ] && grep -qF "$begin" "$results"; then
  python3 - "$results" "$gen" "$begin" "$end" <<'EOF'
import sys
path, gen, b, e = sys.argv[1:]
text = open(path).read()
head, rest = text.split(b, 1)
tail = rest.split(e, 1)[1] if e in rest else ""
open(path, "w").write(head + open(gen).read().rstrip("\n") + tail)
EOF
else
  { echo "# cq on PostgreSQL against hand-written SQL"; echo; cat "$gen"; } >"$results"
fi
rm -f "$gen"
echo "bench-postgres: wrote $results" >&2
