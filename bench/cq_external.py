#!/usr/bin/env python3
"""cq as an --external configuration of ../shared/bench/anchors.py.

anchors.py runs this with BENCH_DATA, BENCH_RUNS, BENCH_LOAD_RUNS and BENCH_OUT set; it writes
the JSON object anchors.py expects: load times, per-query timings (cq's own `--timing` lines,
data already in memory, 1 warm-up then BENCH_RUNS timed runs), answers in DuckDB's row shapes,
and peak RSS.
"""
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

CQ = os.environ.get("CQ", "cq")
DATA = os.environ.get("BENCH_DATA", "")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
LOAD_RUNS = int(os.environ.get("BENCH_LOAD_RUNS", "3"))
OUT = os.environ.get("BENCH_OUT", "")

# The seven questions exactly as the issue writes them (timed).
QUERIES = {
    "Q1": "revenue, orders by campaign",
    "Q2": "roas by campaign where brand=MuscleBlaze",
    "Q3": "top 10 influencer by revenue where platform=Instagram",
    "Q4": "engagement_rate by category, platform",
    "Q5": "revenue by week where brand=HKVitals",
    "Q6": "customers by brand, platform",
    "Q7": "incremental_revenue by campaign",
}
# The same questions with the columns DuckDB's answers carry (checked, not timed).
ANSWERS = {
    "Q1": "revenue, orders by campaign order by campaign",
    "Q2": "revenue, payout, roas by campaign where brand=MuscleBlaze order by campaign",
    "Q3": "top 10 influencer_id, influencer by revenue where platform=Instagram",
    "Q4": "engagement_rate by category, platform order by category, platform",
    "Q5": "revenue by week where brand=HKVitals",
    "Q6": "customers by brand, platform order by brand, platform",
    "Q7": "incremental_revenue by campaign order by campaign",
}


def cq(args, env=None):
    p = subprocess.run([CQ, "--norc", "--data", DATA] + args, capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    if p.returncode != 0:
        sys.exit(f"cq failed ({p.returncode}): {p.stderr}")
    return p


def number(v):
    if v is None or isinstance(v, (int, float)):
        return v
    try:
        return int(v)
    except ValueError:
        return v


def main():
    version = subprocess.run([CQ, "--version"], capture_output=True, text=True).stdout.strip() or "dev"
    loads = []
    # CSV parsing, as the anchors load CSV (the columnar cache is timed separately below).
    for _ in range(LOAD_RUNS):
        p = cq(["--timing", "-c", "show tables"], env={"CQ_NO_CACHE": "1"})
        ms = float(re.search(r"^timing load ([0-9.]+)", p.stderr, re.M).group(1))
        loads.append({"all_tables": ms / 1000})
    args = ["--timing", "--repeat", str(RUNS + 1)]
    for q in QUERIES.values():
        args += ["-c", q]
    p = cq(args + ["--output", "/dev/null"])
    times = {}
    for line in p.stderr.splitlines():
        m = re.match(r"timing query ([0-9.]+) (.*)$", line)
        if m:
            times.setdefault(m.group(2), []).append(float(m.group(1)))
    queries = {}
    for qn, q in QUERIES.items():
        runs = times[q][1:]  # drop the warm-up
        queries[qn] = {"median_ms": statistics.median(runs), "min_ms": min(runs), "runs_ms": runs}
    answers = {}
    for qn, q in ANSWERS.items():
        rows = json.loads(cq(["--format", "json", "-c", q]).stdout)
        answers[qn] = [[number(v) for v in r.values()] for r in rows]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    # Restart: `cq -c Q1` as a whole process, reading the columnar cache beside the data.
    cq(["-c", "show tables"])  # make sure the cache exists
    restarts = []
    for _ in range(5):
        t0 = time.perf_counter()
        cq(["-c", QUERIES["Q1"]])
        restarts.append(time.perf_counter() - t0)
    print(f"cq restart (cache) `cq -c '{QUERIES['Q1']}'`: median {statistics.median(restarts) * 1000:.0f} ms, "
          f"runs {[round(r * 1000) for r in restarts]}", file=sys.stderr)
    with open(OUT, "w") as fh:
        json.dump({"engine": "cq", "version": version, "threads": os.cpu_count(), "loads": loads,
                   "queries": queries, "answers": answers, "peak_rss_mb": peak,
                   "restart_ms": [r * 1000 for r in restarts]}, fh)


if __name__ == "__main__":
    main()
