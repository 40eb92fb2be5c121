#!/usr/bin/env python3
"""cq on PostgreSQL against hand-written SQL on the same server (run by bench/postgres/run.sh).

Questions: Q1–Q7 (the statements of bench/cq_external.py, hand SQL = ../shared/bench/anchors.py's
DUCKDB_SQL adapted to PostgreSQL and to the tables `cq load --into` writes: money in bigint
paise) and the second set H1–H13 (bench/questions.py, its DuckDB SQL adapted the same way).
The hand SQL is bench/postgres/sql/ID.sql; money columns are divided by 100.0 in SQL so the
answers read in rupees like cq's.

Timing, warm cache, in --rounds rounds (the order of the two sides alternates per round):
  cq    one process per round `cq --continue --engine URL --timing --repeat RUNS+1 -c S1 -c S2 …`, cq's own
        `timing query MS` lines (parse, SQL, fetch, cq's post-aggregation; connect excluded),
        the first run of each statement dropped;
  hand  one psql session, `\\timing on`, output to /dev/null, each query RUNS+1 times, the first
        dropped (psql's time: send to last row received).
Median over all kept runs. Answers: cq's answer statement (`--format json`) against the hand
query (`psql --csv`), rows compared as sets, numbers with a relative tolerance.
"""
import argparse
import csv
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "shared", "bench"))

CQ = os.environ.get("CQ", "cq")
PSQL = os.environ.get("PSQL", "psql")

# Q1–Q7: as the DuckDB/Polars bench asks them (bench/cq_external.py).
Q_TIMED = {
    "Q1": "revenue, orders by campaign",
    "Q2": "roas by campaign where brand=MuscleBlaze",
    "Q3": "top 10 influencer by revenue where platform=Instagram",
    "Q4": "engagement_rate by category, platform",
    "Q5": "revenue by week where brand=HKVitals",
    "Q6": "customers by brand, platform",
    "Q7": "incremental_revenue by campaign",
}
Q_ANSWER = {
    "Q1": "revenue, orders by campaign order by campaign",
    "Q2": "revenue, payout, roas by campaign where brand=MuscleBlaze order by campaign",
    "Q3": "top 10 influencer_id, influencer by revenue where platform=Instagram",
    "Q4": "engagement_rate by category, platform order by category, platform",
    "Q5": "revenue by week where brand=HKVitals",
    "Q6": "customers by brand, platform order by brand, platform",
    "Q7": "incremental_revenue by campaign order by campaign",
}
try:
    import cq_external  # noqa: E402  (keeps Q1–Q7 in step with the DuckDB/Polars bench)
    Q_TIMED, Q_ANSWER = dict(cq_external.QUERIES), dict(cq_external.ANSWERS)
except Exception:  # pragma: no cover
    pass

# Semantic differences between a hand query and cq's answer, written next to the result.
NOTES = {
    "Q2": "hand SQL allocates payout by exact order share (anchors.py); cq rounds each share to whole paise "
          "(largest remainder, SPEC §4): payout differs by < ₹1",
}
# Relative tolerance per question (default 1e-9).
RTOL = {"Q2": 1e-6}


def questions():
    qs = {q: (Q_TIMED[q], Q_ANSWER[q]) for q in Q_TIMED}
    try:
        import questions as second  # bench/questions.py
        for q in sorted(second.QUESTIONS, key=lambda s: int(s[1:])):
            qs[q] = (second.QUESTIONS[q][0], second.QUESTIONS[q][1])
    except Exception as e:  # pragma: no cover
        print(f"compare: bench/questions.py not usable ({e}); Q1–Q7 only", file=sys.stderr)
    return {q: v for q, v in qs.items() if os.path.exists(os.path.join(here, "sql", q + ".sql"))}


def hand_sql(q):
    with open(os.path.join(here, "sql", q + ".sql")) as fh:
        return fh.read().strip().rstrip(";")


def run_cq(url, statements, runs):
    """cq's own timings, all statements in one process (a connect scans every table, so one per
    round), `--continue` past a statement the server cancels; the first run of each dropped.
    A statement with fewer than runs + 1 timings failed (timeout) and gets None."""
    args = [CQ, "--norc", "--continue", "--engine", url, "--timing", "--repeat", str(runs + 1)]
    for s in statements:
        args += ["-c", s]
    p = subprocess.run(args + ["--output", "/dev/null"], capture_output=True, text=True)
    times = {}
    for m in re.finditer(r"^timing query ([0-9.]+) (.*)$", p.stderr, re.M):
        times.setdefault(m.group(2), []).append(float(m.group(1)))
    out = {}
    for s in statements:
        t = times.get(s, [])
        out[s] = t[1:] if len(t) >= runs + 1 else None
        if out[s] is None:
            print(f"compare: cq failed (exit {p.returncode}) on {s!r}", file=sys.stderr)
    return out


def run_hand(url, q, runs):
    """psql's \\timing of one hand query (the first run dropped); None if it failed (timeout)."""
    script = ["\\o /dev/null", "\\timing on"] + [hand_sql(q) + ";"] * (runs + 1)
    p = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input="\n".join(script) + "\n",
                       capture_output=True, text=True)
    times = [float(m.group(1)) for m in re.finditer(r"^Time: ([0-9.]+) ms", p.stdout, re.M)]
    if p.returncode != 0 or len(times) < runs + 1:
        print(f"compare: psql failed ({p.returncode}) on {q}: {p.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return times[1:]


def value(v):
    if v is None or isinstance(v, (int, float)):
        return v
    if v == "":
        return None
    if re.fullmatch(r"-?[0-9]+", v):
        return int(v)
    if re.fullmatch(r"-?[0-9]*\.[0-9]+(e-?[0-9]+)?", v):
        return float(v)
    return v


def cq_answer(url, statement):
    p = subprocess.run([CQ, "--norc", "--engine", url, "--format", "json", "-c", statement],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"cq failed on {statement!r}: {p.stderr[-2000:]}")
    return [[value(v) for v in r.values()] for r in json.loads(p.stdout)]


def hand_answer(url, q):
    p = subprocess.run([PSQL, "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", hand_sql(q)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"psql failed on {q}: {p.stderr[-2000:]}")
    rows = list(csv.reader(io.StringIO(p.stdout)))[1:]
    return [[value(v) for v in r] for r in rows]


def canon(rows):
    return sorted(rows, key=lambda r: [("" if x is None else str(x)) for x in r if not isinstance(x, float)])


def compare(a, b, rtol):
    """(ok, max relative difference, why)."""
    if len(a) != len(b):
        return False, None, f"row count cq {len(a)} != hand {len(b)}"
    worst = 0.0
    for i, (ra, rb) in enumerate(zip(canon(a), canon(b))):
        if len(ra) != len(rb):
            return False, None, f"row {i}: width cq {len(ra)} != hand {len(rb)}"
        for x, y in zip(ra, rb):
            if isinstance(x, (int, float)) and isinstance(y, (int, float)):
                if x != y:
                    d = abs(x - y) / max(abs(x), abs(y))
                    worst = max(worst, d)
                    if d > rtol:
                        return False, d, f"row {i}: cq {ra} != hand {rb}"
            elif x != y:
                return False, None, f"row {i}: cq {ra} != hand {rb}"
    return True, worst, ""


def loadavg():
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--scale", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--load-s", type=float)
    ap.add_argument("--derive-s", type=float)
    ap.add_argument("--connect-s", type=float)
    ap.add_argument("--quiet-s", type=float)
    ap.add_argument("--settings", default="")
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout-s", type=float, default=0, help="statement_timeout both sides ran under")
    ap.add_argument("--json")
    a = ap.parse_args()
    qs = questions()
    if a.only:
        qs = {q: qs[q] for q in a.only.split(",") if q in qs}
    load_before = loadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    cq_ms = {q: [] for q in qs}
    hand_ms = {q: [] for q in qs}
    failed = {"cq": set(), "hand": set()}
    for r in range(a.rounds):
        for side in (["cq", "hand"] if r % 2 == 0 else ["hand", "cq"]):
            print(f"[{time.strftime('%H:%M:%S')}] round {r + 1}: {side} ...", file=sys.stderr, flush=True)
            if side == "cq":
                todo = [q for q in qs if q not in failed["cq"]]
                got = run_cq(a.url, [qs[q][0] for q in todo], a.runs)
                for q in todo:
                    t = got[qs[q][0]]
                    if t is None:
                        failed["cq"].add(q)
                    else:
                        cq_ms[q] += t
                    print(f"  {q} cq: {t}", file=sys.stderr, flush=True)
                continue
            for q in qs:
                if q in failed["hand"]:
                    continue
                t = run_hand(a.url, q, a.runs)
                if t is None:
                    failed["hand"].add(q)
                else:
                    hand_ms[q] += t
                print(f"  {q} hand: {t}", file=sys.stderr, flush=True)
    print(f"[{time.strftime('%H:%M:%S')}] answers ...", file=sys.stderr, flush=True)
    checks, rows = {}, {}
    for q in qs:
        if q in failed["cq"] or q in failed["hand"]:
            rows[q], checks[q] = None, (False, None, "not checked (a side failed or timed out)")
            continue
        mine, theirs = cq_answer(a.url, qs[q][1]), hand_answer(a.url, q)
        rows[q] = len(mine)
        checks[q] = compare(mine, theirs, RTOL.get(q, 1e-9))
    sqldir = (a.json[:-5] if a.json and a.json.endswith(".json") else "postgres") + "-sql"
    os.makedirs(sqldir, exist_ok=True)
    # cq's SQL for every question, in one process (for EXPLAIN ANALYZE by hand).
    args = [CQ, "--norc", "--engine", a.url]
    for q in qs:
        args += ["-c", "explain sql " + qs[q][0]]
    p = subprocess.run(args, capture_output=True, text=True)
    with open(os.path.join(sqldir, "all.sql"), "w") as fh:
        fh.write(p.stdout)
    load_after = loadavg()
    pg_version = subprocess.run([PSQL, "-X", "-A", "-t", "-d", a.url, "-c", "show server_version"],
                                capture_output=True, text=True).stdout.strip()
    report = {"scale": a.scale, "started": started, "url": re.sub(r"//[^@]*@", "//", a.url),
              "postgres": pg_version, "settings": a.settings, "runs": a.runs, "rounds": a.rounds, "timeout_s": a.timeout_s,
              "load_s": a.load_s, "derive_s": a.derive_s, "connect_s": a.connect_s, "quiet_s": a.quiet_s,
              "loadavg_before": load_before, "loadavg_after": load_after, "nproc": os.cpu_count(),
              "questions": {q: {"cq": qs[q][0], "answer": qs[q][1], "rows": rows[q],
                                "cq_ms": cq_ms[q], "hand_ms": hand_ms[q],
                                "cq_median_ms": statistics.median(cq_ms[q]) if cq_ms[q] else None,
                                "hand_median_ms": statistics.median(hand_ms[q]) if hand_ms[q] else None,
                                "answers_agree": checks[q][0], "max_rel_diff": checks[q][1],
                                "mismatch": checks[q][2]} for q in qs}}
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
    print(table(report))


def fmt(ms):
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def table(r):
    rows = []
    data_rows = ""
    rows.append(f"### Scale {r['scale']} ({r['started']})")
    rows.append("")
    rows.append(f"PostgreSQL {r['postgres']}, one server on loopback; settings for both sides: `{r['settings']}`. "
                f"Warm cache, tables vacuumed and analysed after the load. Medians of {r['runs'] * r['rounds']} runs "
                f"({r['rounds']} rounds of {r['runs']} after a warm-up each, sides alternating). "
                f"Machine: {r['nproc']} cores shared with other agents' builds, load average {r['loadavg_before']} "
                f"before, {r['loadavg_after']} after.")
    rows.append("")
    rows.append(f"`cq load --into`: **{r['load_s']:.1f} s**; cq's first connect after it (checks, catalogue, "
                f"fingerprint, builds `cq_derived`, keeps the catalogue there): {r['derive_s']:.1f} s; a later "
                f"connect after the vacuum (fingerprint pass over each table, catalogue read from "
                f"`cq_derived`): {r['connect_s']:.1f} s" + (
                    f"; the next (no transaction since the last scan, so its fingerprint stands): "
                    f"{r['quiet_s']:.1f} s" if r.get("quiet_s") is not None else "") + "." + data_rows)
    rows.append("")
    rows.append("| id | cq statement | rows | hand SQL (ms) | cq (ms) | cq ÷ hand | ≤ 1.5× | answers |")
    rows.append("|---|---|---:|---:|---:|---:|---|---|")
    for q, v in r["questions"].items():
        c, h = v["cq_median_ms"], v["hand_median_ms"]
        ratio = c / h if c is not None and h is not None else None
        if v["answers_agree"]:
            ans = "same" if not v["max_rel_diff"] else f"same (rel. diff ≤ {v['max_rel_diff']:.1e})"
        else:
            ans = "**differ**: " + v["mismatch"][:120]
        if q in NOTES:
            ans += f" — {NOTES[q]}"
        timeout = f"> {r['timeout_s']:g} s (timeout)"
        rows.append(f"| {q} | `{v['cq']}` | {'' if v['rows'] is None else format(v['rows'], ',')} | "
                    f"{fmt(h) if h is not None else timeout} | {fmt(c) if c is not None else timeout} | "
                    f"{'' if ratio is None else format(ratio, '.2f')} | "
                    f"{'yes' if ratio is not None and ratio <= 1.5 else '**no**'} | {ans} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
