#!/usr/bin/env python3
"""The issue's performance targets, read off one `make bench` run.

Usage: targets.py ANCHORS_JSON [SCALING_JSON]

ANCHORS_JSON is what ../shared/bench/anchors.py wrote with cq as its `--external` configuration
`cq` (bench/cq_external.py adds cq's restart timings). SCALING_JSON is what bench/run.sh wrote
from `cq --timing` at several scales. Prints Markdown: cq against the fastest anchor
configuration for the load and each question, Q1 against the memory-bandwidth floor, restart
from the columnar cache, peak memory against DuckDB's, and the growth from scale 1 to 500.
Every line says whether its target is met.
"""
import json
import math
import statistics
import sys

QUERIES = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]


def mark(ok):
    return "met" if ok else "**NOT MET**"


def fmt_ms(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def against_anchors(r):
    cq = r["configs"]["cq"]
    anchors = {c: v for c, v in r["configs"].items() if c != "cq" and "queries" in v}
    out = ["| | fastest anchor | its time | cq | cq ÷ fastest | target ≤ 0.5 (load ≤ 1) |",
           "|---|---|---:|---:|---:|---|"]
    fastest, ms = min(((c, v["load"]["median_s"]) for c, v in anchors.items()), key=lambda p: p[1])
    mine = cq["load"]["median_s"]
    out.append(f"| load 4 CSVs | {fastest} | {ms:.2f} s | {mine:.2f} s | {mine / ms:.2f} | {mark(mine <= ms)} |")
    for q in QUERIES:
        fastest, ms = min(((c, v["queries"][q]["median_ms"]) for c, v in anchors.items()), key=lambda p: p[1])
        mine = cq["queries"][q]["median_ms"]
        out.append(f"| {q} | {fastest} | {fmt_ms(ms)} ms | {fmt_ms(mine)} ms | {mine / ms:.3f} | "
                   f"{mark(mine <= 0.5 * ms)} |")
    return out


def floor_and_restart(r):
    cq = r["configs"]["cq"]
    out = []
    ph = r.get("physical")
    if ph:
        floor = min(ph["q1_min_scan_ms_1core"].values())
        q1 = cq["queries"]["Q1"]["median_ms"]
        out.append(f"- **Q1 against the bandwidth floor:** {fmt_ms(q1)} ms against the harness's "
                   f"{floor:.1f} ms floor (u8+f64+u8 streamed once on one core at "
                   f"{ph['membw_1core_GBps_median']:.1f} GB/s): {q1 / floor:.2f} × the floor, "
                   f"target ≤ 4 ×: {mark(q1 <= 4 * floor)}.")
    if cq.get("restart_ms"):
        med = statistics.median(cq["restart_ms"])
        out.append(f"- **Restart from the columnar cache:** `cq -c 'revenue, orders by campaign'` as a "
                   f"whole process, median of {len(cq['restart_ms'])}: {med:.0f} ms "
                   f"(runs {', '.join(f'{x:.0f}' for x in cq['restart_ms'])}), target < 300 ms: "
                   f"{mark(med < 300)}.")
    return out


def memory(r):
    cq = r["configs"]["cq"]
    if not cq.get("peak_rss_mb"):
        return []
    out = [f"- **Peak memory.** cq's peak RSS over its whole run (CSV loads, then Q1–Q7 "
           f"{r['runs'] + 1} times each): {cq['peak_rss_mb']:,.0f} MB. Target ≤ 0.5 × DuckDB's:", ""]
    out += ["  | DuckDB configuration | its peak RSS | cq ÷ DuckDB | |", "  |---|---:|---:|---|"]
    for c, v in r["configs"].items():
        if c.startswith("duckdb") and v.get("peak_rss_mb"):
            ratio = cq["peak_rss_mb"] / v["peak_rss_mb"]
            out.append(f"  | {c} | {v['peak_rss_mb']:,.0f} MB | {ratio:.2f} | {mark(ratio <= 0.5)} |")
    return out


def slope(xs, ys):
    """The slope of the least-squares line through (x, y)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def scaling(s):
    scales = sorted(s["scales"], key=lambda e: e["scale"])
    rows = [e["tracking_rows"] / 1e6 for e in scales]
    out = ["- **Growth with scale** (`cq --timing --repeat 7`, median of the last 6; load from CSV with "
           "`CQ_NO_CACHE=1`, median of 3). The slope is a least-squares fit of time against millions "
           "of tracking rows (each scale has half as many posts). The exponent k between the two "
           "largest scales solves t₂/t₁ = (n₂/n₁)^k: 1.0 is linear growth, below 1 means a fixed "
           "cost still shows, above 1 means the cost per row grows.", ""]
    out.append("  | | " + " | ".join(f"scale {e['scale']}" for e in scales) + " | slope, ms per M rows | "
               f"k, scale {scales[-2]['scale']} → {scales[-1]['scale']} |")
    out.append("  |---|" + "---:|" * (len(scales) + 2))
    names = ["load"] + QUERIES
    for n in names:
        ys = [e["load_ms"] if n == "load" else e["queries"][n] for e in scales]
        b = slope(rows, ys)
        k = math.log(ys[-1] / ys[-2]) / math.log(rows[-1] / rows[-2])
        out.append(f"  | {n} | " + " | ".join(fmt_ms(y) for y in ys) + f" | {b:.2f} | {k:.2f} |")
    out.append("")
    out.append("  Tracking rows: " + ", ".join(f"scale {e['scale']} {e['tracking_rows']:,}" for e in scales) + ".")
    return out


def main():
    r = json.load(open(sys.argv[1]))
    if "cq" not in r["configs"] or "queries" not in r["configs"]["cq"]:
        sys.exit("targets.py: the anchors run has no results for cq: " + str(r["configs"].get("cq")))
    out = ["## Targets (generated by `make bench`)", "",
           f"Run {r['started']} .. {r['finished']}; queries are medians of {r['runs']} runs after one "
           f"warm-up, loads medians of {r['load_runs']}; the fastest anchor is the fastest of every "
           f"DuckDB and Polars configuration in this run.", ""]
    out += against_anchors(r)
    out.append("")
    out += floor_and_restart(r)
    out += memory(r)
    if len(sys.argv) > 2:
        out.append("")
        out += scaling(json.load(open(sys.argv[2])))
    mm = r.get("answer_mismatches", {})
    out.append("")
    if mm:
        out.append("- **Answers** differing from DuckDB's beyond rtol 1e-9: " + "; ".join(mm) +
                   " (see the analysis above).")
    else:
        out.append("- **Answers:** cq's agree with DuckDB's on every question (rtol 1e-9).")
    print("\n".join(out))


if __name__ == "__main__":
    main()
