#!/usr/bin/env python3
"""cq's load and Q1–Q7 times at several scales, for the growth figures of bench/targets.py.

Usage: CQ=path/to/cq scaling.py OUT.json SCALE=FOLDER [SCALE=FOLDER ...]

Each folder is a `cq simulate --seed 1 --scale SCALE` data set. The load is parsed from CSV
(CQ_NO_CACHE=1), median of 3; each question is run 7 times on the data in memory and the
median of the last 6 is kept (`cq --timing --repeat 7`).
"""
import json
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cq_external import QUERIES  # noqa: E402

CQ = os.environ.get("CQ", "cq")


def cq(folder, args, env=None):
    p = subprocess.run([CQ, "--norc", "--data", folder] + args, capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    if p.returncode != 0:
        sys.exit(f"cq failed ({p.returncode}) on {folder}: {p.stderr}")
    return p


def measure(scale, folder):
    loads = []
    for _ in range(3):
        p = cq(folder, ["--timing", "-c", "show tables"], env={"CQ_NO_CACHE": "1"})
        loads.append(float(re.search(r"^timing load ([0-9.]+)", p.stderr, re.M).group(1)))
    args = ["--timing", "--repeat", "7", "--output", "/dev/null"]
    for q in QUERIES.values():
        args += ["-c", q]
    times = {}
    for line in cq(folder, args).stderr.splitlines():
        m = re.match(r"timing query ([0-9.]+) (.*)$", line)
        if m:
            times.setdefault(m.group(2), []).append(float(m.group(1)))
    tables = json.loads(cq(folder, ["--format", "json", "-c", "show tables"]).stdout)
    rows = {t["table"]: t["rows"] for t in tables}
    return {"scale": scale, "tracking_rows": rows["tracking_data"], "posts": rows["posts"],
            "load_ms": statistics.median(loads),
            "queries": {qn: statistics.median(times[q][1:]) for qn, q in QUERIES.items()}}


def main():
    out, pairs = sys.argv[1], sys.argv[2:]
    scales = []
    for pair in pairs:
        scale, _, folder = pair.partition("=")
        print(f"scaling: scale {scale} ...", file=sys.stderr, flush=True)
        scales.append(measure(int(scale), folder))
    with open(out, "w") as fh:
        json.dump({"scales": scales}, fh, indent=1)


if __name__ == "__main__":
    main()
