#!/usr/bin/env bash
# make bench: cq against DuckDB and Polars on the same scale-500 data, in one run.
# Needs: CQ (release binary), BENCH_DIR (cache folder for the generated data).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="$here/../../shared/bench"
data="$BENCH_DIR/sf500"
python3 -c 'import duckdb, polars' 2>/dev/null || pip install duckdb polars
if [ ! -f "$data/tracking_data.csv" ]; then
  echo "generating scale-500 data into $data (once) ..." >&2
  /usr/bin/time -v "$CQ" simulate --seed 1 --scale 500 --out "$data" 2> "$BENCH_DIR/simulate.log" || { cat "$BENCH_DIR/simulate.log"; exit 1; }
fi
echo "simulate (scale 500, when generated): $(grep -E 'Elapsed|Maximum resident' "$BENCH_DIR/simulate.log" 2>/dev/null | tr -s ' ' | tr '\n' ';')" >&2
# Ingest time and peak memory of cq alone, scale 1 and 500.
for d in "$here/../data" "$data"; do
  /usr/bin/time -v "$CQ" --norc --timing --data "$d" -c 'show tables' > /dev/null 2> "$BENCH_DIR/ingest.log"
  echo "cq ingest $(basename "$d"): $(grep -E '^timing load' "$BENCH_DIR/ingest.log"); peak $(grep 'Maximum resident' "$BENCH_DIR/ingest.log" | awk '{print $NF/1024 " MB"}')" >&2
done
# anchors.py reads the row counts and scale from manifest.json (gen_data.py writes one).
"$CQ" --norc --data "$data" --format json -c 'show tables' | python3 -c '
import json, sys
rows = {r["table"]: r["rows"] for r in json.load(sys.stdin)}
json.dump({"sf": 500, "seed": 1, "generator_version": "cq simulate",
           "rows": {t: rows[t] for t in ["influencers", "posts", "tracking_data", "payouts"]}},
          open(sys.argv[1], "w"), indent=2)' "$data/manifest.json"
CQ="$CQ" python3 "$shared/anchors.py" --data "$data" --runs 5 --load-runs 3 \
  --configs all --external "cq=python3 $here/cq_external.py" --json "$BENCH_DIR/anchors.json" | tee "$BENCH_DIR/anchors.txt"
# The harness's tables replace what follows "## The harness's table" in results.md; the
# written analysis above it is kept (and should be brought up to date by hand).
marker="## The harness's table"
{
  if grep -qF "$marker" "$here/results.md" 2>/dev/null; then
    sed "/^$marker\$/q" "$here/results.md"
    echo
  fi
  python3 "$shared/report.py" "$BENCH_DIR/anchors.json"
} > "$BENCH_DIR/results.md.new"
mv "$BENCH_DIR/results.md.new" "$here/results.md"
echo "results: bench/results.md" >&2
