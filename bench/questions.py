#!/usr/bin/env python3
"""The second question set: everyday analyst questions beyond Q1–Q7, cq against DuckDB.

Usage: questions.py --data DIR [--runs 5] [--json OUT] [--configs duckdb-1t,...]

For one data folder (`cq simulate` output) this times each question of QUESTIONS in four
DuckDB configurations (1 and 2 threads, plain text columns and ENUM columns, as
../../shared/bench/anchors.py loads them) and in cq (data loaded, `--timing`, one warm-up then
--runs timed runs), each configuration in its own process so its peak RSS is its own. Every
configuration's answers are checked against DuckDB's first (rows compared as sets, numbers
with a relative tolerance of 1e-9). The DuckDB SQL encodes SPEC §4: ratios of sums at the
output grain, each fact aggregated on its own and joined on the grain keys, division by zero
empty, and spend allocated over tracking rows by order share with largest-remainder rounding
to whole paise within each payout (ties to the earlier row), as cq does.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "bench"))
import anchors  # noqa: E402  (TABLES, warm_files, duckdb_dict_encode, norm_rows, same_answer)

# Spend per tracking row (paise), exactly as cq allocates it: each payout of an
# (influencer, campaign) key spread over that key's tracking rows by orders (equal shares when
# the key has no orders), floor shares, then the paise left over to the largest remainders
# (ties to the earlier row).
ALLOCATION = """
    tr AS (SELECT rowid AS r, * FROM tracking_data),
    keyw AS (SELECT influencer_id, campaign, sum(orders) AS w_sum, count(*) AS n FROM tracking_data GROUP BY ALL),
    pay AS (SELECT rowid AS p, influencer_id, campaign,
                   CAST(round(total_payout * 100) AS BIGINT) AS tot FROM payouts),
    sh AS (SELECT pay.p, tr.r, pay.tot,
                  CASE WHEN keyw.w_sum > 0 THEN tr.orders ELSE 1 END AS w,
                  CASE WHEN keyw.w_sum > 0 THEN keyw.w_sum ELSE keyw.n END AS d
           FROM pay JOIN tr ON pay.influencer_id = tr.influencer_id AND pay.campaign = tr.campaign
                    JOIN keyw ON keyw.influencer_id = pay.influencer_id AND keyw.campaign = pay.campaign),
    q AS (SELECT p, r, tot, CAST(tot AS HUGEINT) * w // d AS qq, CAST(tot AS HUGEINT) * w % d AS rem FROM sh),
    l AS (SELECT r, qq, tot - sum(qq) OVER (PARTITION BY p) AS left_over,
                 row_number() OVER (PARTITION BY p ORDER BY rem DESC, r) AS rk FROM q),
    alloc AS (SELECT r, sum(qq + CASE WHEN rk <= left_over THEN 1 ELSE 0 END) AS share FROM l GROUP BY r)"""

# id: (cq statement timed, cq statement whose JSON rows are the answer, DuckDB SQL, what it asks)
QUESTIONS = {
    "H1": ("revenue by user", "revenue by user", """
        SELECT user_id, sum(revenue) AS revenue FROM tracking_data GROUP BY user_id
        ORDER BY revenue DESC, user_id""", "high-cardinality key"),
    "H2": ("revenue, orders by user, day", "revenue, orders by user, day", """
        SELECT user_id, date, sum(revenue) AS revenue, sum(orders) AS orders FROM tracking_data
        GROUP BY user_id, date ORDER BY date, revenue DESC, user_id""", "two dimensions, millions of groups"),
    "H3": ("top 20 user by revenue", "top 20 user by revenue", """
        SELECT user_id, sum(revenue) AS revenue FROM tracking_data GROUP BY user_id
        ORDER BY revenue DESC, user_id LIMIT 20""", "top N of a high-cardinality key"),
    "H4": ("customers by campaign where platform=Instagram",
           "customers by campaign where platform=Instagram", """
        SELECT t.campaign, count(DISTINCT t.user_id) AS customers
        FROM tracking_data t JOIN influencers i ON t.influencer_id = i.id
        WHERE i.platform = 'Instagram' GROUP BY t.campaign ORDER BY customers DESC""",
           "distinct count under a filter"),
    "H5": ("roas by influencer_id, campaign having roas > 2",
           "revenue, payout, roas by influencer_id, campaign having roas > 2", """
        WITH t AS (SELECT influencer_id, campaign, sum(revenue) AS revenue FROM tracking_data GROUP BY ALL),
             p AS (SELECT influencer_id, campaign, sum(total_payout) AS payout FROM payouts GROUP BY ALL),
             j AS (SELECT coalesce(t.influencer_id, p.influencer_id) AS influencer_id,
                          coalesce(t.campaign, p.campaign) AS campaign,
                          coalesce(revenue, 0) AS revenue, coalesce(payout, 0) AS payout
                   FROM t FULL JOIN p ON t.influencer_id = p.influencer_id AND t.campaign = p.campaign)
        SELECT influencer_id, campaign, revenue, payout, revenue / payout AS roas FROM j
        WHERE payout <> 0 AND revenue / payout > 2 ORDER BY roas DESC""",
           "a ratio of two facts with having, influencer × campaign"),
    "H6": ("engagement_rate by influencer_id", "engagement_rate by influencer_id", """
        SELECT influencer_id,
               CASE WHEN sum(reach) = 0 THEN NULL ELSE (sum(likes) + sum(comments)) / sum(reach) END AS er
        FROM posts GROUP BY influencer_id ORDER BY er DESC NULLS LAST""", "posts-side ratio by influencer"),
    "H8": ("top 10 influencer_id by roas where brand=MuscleBlaze",
           "revenue, payout, roas by influencer_id where brand=MuscleBlaze order by roas desc limit 10", f"""
        WITH {ALLOCATION},
        rev AS (SELECT influencer_id, sum(revenue) AS revenue FROM tracking_data
                WHERE brand = 'MuscleBlaze' GROUP BY influencer_id),
        spend AS (SELECT tr.influencer_id, sum(alloc.share) / 100.0 AS payout FROM alloc JOIN tr ON alloc.r = tr.r
                  WHERE tr.brand = 'MuscleBlaze' GROUP BY tr.influencer_id),
        j AS (SELECT rev.influencer_id, revenue, coalesce(payout, 0) AS payout FROM rev LEFT JOIN spend
              ON rev.influencer_id = spend.influencer_id)
        SELECT influencer_id, revenue, payout, revenue / payout AS roas FROM j WHERE payout <> 0
        ORDER BY roas DESC, influencer_id LIMIT 10""", "top N with allocated spend"),
    "H9": ("revenue, orders by brand, platform, month", "revenue, orders by brand, platform, month", """
        SELECT t.brand, i.platform, strftime(t.date, '%Y-%m') AS month, sum(t.revenue) AS revenue,
               sum(t.orders) AS orders
        FROM tracking_data t JOIN influencers i ON t.influencer_id = i.id
        GROUP BY ALL ORDER BY month, revenue DESC""", "three dimensions"),
    "H10": ("customers by month where brand=HKVitals and source=instagram.com",
            "customers by month where brand=HKVitals and source=instagram.com", """
        SELECT strftime(date, '%Y-%m') AS month, count(DISTINCT user_id) AS customers FROM tracking_data
        WHERE brand = 'HKVitals' AND source = 'instagram.com' GROUP BY ALL ORDER BY month""",
            "distinct count under two filters, by month"),
    "H11": ("orders by product, campaign having orders > 1000",
            "orders by product, campaign having orders > 1000", """
        SELECT product, campaign, sum(orders) AS orders FROM tracking_data GROUP BY ALL
        HAVING sum(orders) > 1000 ORDER BY orders DESC""", "having on a sum, two dimensions"),
    "H12": ("new_customers by campaign", "new_customers by campaign", """
        WITH f AS (SELECT user_id, min(date) AS first_date FROM tracking_data GROUP BY user_id)
        SELECT t.campaign, count(DISTINCT t.user_id) AS new_customers
        FROM tracking_data t JOIN f ON t.user_id = f.user_id AND t.date = f.first_date
        GROUP BY t.campaign ORDER BY new_customers DESC""", "first purchases, distinct"),
    "H13": ("conversions by influencer_id, week", "conversions by influencer_id, week", """
        SELECT influencer_id, date_trunc('week', date) AS week, count(*) AS conversions FROM tracking_data
        GROUP BY ALL ORDER BY week, conversions DESC""", "influencer × week"),
}
# H7: spend per thousand reached, by the influencer's category (payouts and posts each carry it).
QUESTIONS["H7"] = ("cpm by category", "payout, reach, cpm by category", """
    WITH p AS (SELECT i.category, sum(y.total_payout) AS payout FROM payouts y
               JOIN influencers i ON y.influencer_id = i.id GROUP BY ALL),
         r AS (SELECT i.category, sum(x.reach) AS reach FROM posts x
               JOIN influencers i ON x.influencer_id = i.id GROUP BY ALL)
    SELECT coalesce(p.category, r.category) AS category, coalesce(payout, 0) AS payout, coalesce(reach, 0) AS reach,
           CASE WHEN coalesce(reach, 0) = 0 THEN NULL ELSE coalesce(payout, 0) / reach * 1000 END AS cpm
    FROM p FULL JOIN r ON p.category = r.category ORDER BY cpm DESC NULLS LAST""",
                   "posts + payouts ratio")
# The DuckDB rows carry the columns cq's answer statement shows, in its order (all of them
# unless listed here).
ANSWER_COLUMNS = {}

CONFIGS = ["duckdb-1t", "duckdb-mt", "duckdb-dict-1t", "duckdb-dict-mt"]


def run_duckdb(data, cfg, runs, only):
    import duckdb
    con = duckdb.connect(":memory:")
    if cfg.endswith("-1t"):
        con.execute("SET threads=1")
    anchors.warm_files(data)
    t0 = time.perf_counter()
    for t in anchors.TABLES:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_csv_auto('{os.path.join(data, t + '.csv')}')")
    if "dict" in cfg:
        anchors.duckdb_dict_encode(con)
    load = time.perf_counter() - t0
    queries, answers = {}, {}
    for q in only:
        sql = QUESTIONS[q][2]
        rows = con.execute(sql).fetchall()
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            rows = con.execute(sql).fetchall()
            samples.append((time.perf_counter() - t0) * 1000)
        queries[q] = {"median_ms": statistics.median(samples), "min_ms": min(samples), "runs_ms": samples}
        cols = ANSWER_COLUMNS.get(q)
        answers[q] = anchors.norm_rows([[r[i] for i in cols] if cols else list(r) for r in rows])
    return {"engine": "duckdb", "version": duckdb.__version__, "load_s": load, "queries": queries,
            "answers": answers, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def number(v):
    if v is None or isinstance(v, (int, float)):
        return v
    try:
        return int(v)
    except ValueError:
        try:
            return float(v) if re.fullmatch(r"-?[0-9]+\.[0-9]+", v) else v
        except ValueError:
            return v


def run_cq(data, cq, runs, only):
    args = [cq, "--norc", "--data", data, "--timing", "--repeat", str(runs + 1)]
    for q in only:
        args += ["-c", QUESTIONS[q][0]]
    # Its own peak RSS (wait4), not the largest of every child this script ran (RUSAGE_CHILDREN).
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(args + ["--output", "/dev/null"], stdout=subprocess.DEVNULL, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        p = subprocess.CompletedProcess(args, child.returncode, "", err.read())
    if p.returncode != 0:
        sys.exit(f"cq failed ({p.returncode}): {p.stderr[-2000:]}")
    times = {}
    for line in p.stderr.splitlines():
        m = re.match(r"timing query ([0-9.]+) (.*)$", line)
        if m:
            times.setdefault(m.group(2), []).append(float(m.group(1)))
    load = re.search(r"^timing load ([0-9.]+)", p.stderr, re.M)
    queries = {}
    for q in only:
        runs_ms = times[QUESTIONS[q][0]][1:]  # drop the warm-up
        queries[q] = {"median_ms": statistics.median(runs_ms), "min_ms": min(runs_ms), "runs_ms": runs_ms}
    peak = usage.ru_maxrss / 1024
    answers = {}
    for q in only:
        out = subprocess.run([cq, "--norc", "--data", data, "--format", "json", "-c", QUESTIONS[q][1]],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"cq failed on {QUESTIONS[q][1]!r}: {out.stderr[-2000:]}")
        answers[q] = [[number(v) for v in r.values()] for r in json.loads(out.stdout)]
    # A fresh process on the columnar cache: the first query against a warm one.
    cold = {}
    for q in only:
        subprocess.run([cq, "--norc", "--data", data, "-c", "show tables"], capture_output=True)
        p = subprocess.run([cq, "--norc", "--data", data, "--timing", "-c", QUESTIONS[q][0], "--output", "/dev/null"],
                           capture_output=True, text=True)
        m = re.search(r"^timing query ([0-9.]+)", p.stderr, re.M)
        if m:
            cold[q] = float(m.group(1))
    return {"engine": "cq", "load_s": float(load.group(1)) / 1000 if load else None, "queries": queries,
            "answers": answers, "peak_rss_mb": peak, "cold_first_query_ms": cold}


def canon(rows):
    return sorted(rows, key=lambda r: [("" if x is None else str(x)) for x in r if not isinstance(x, float)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--configs", default=",".join(CONFIGS + ["cq"]))
    ap.add_argument("--only", default=",".join(QUESTIONS))
    ap.add_argument("--worker")
    ap.add_argument("--out")
    ap.add_argument("--merge", nargs="*", default=[],
                    help="earlier --json reports whose configurations (timings, RSS, rows) join this "
                         "run's table; a configuration timed in this run replaces its earlier figures")
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    only = [q for q in a.only.split(",") if q]
    if a.worker:
        res = run_duckdb(data, a.worker, a.runs, only)
        with open(a.out, "w") as fh:
            json.dump(res, fh, default=str)
        return
    results = {}

    def loadavg():
        try:
            with open("/proc/loadavg") as fh:
                return " ".join(fh.read().split()[:3])
        except OSError:
            return "?"
    for cfg in a.configs.split(","):
        print(f"[{time.strftime('%H:%M:%S')}] {cfg} ...", file=sys.stderr, flush=True)
        started = (time.strftime("%Y-%m-%dT%H:%M:%S"), loadavg())
        if cfg == "cq":
            results[cfg] = run_cq(data, os.environ.get("CQ", "cq"), a.runs, only)
            results[cfg]["when"] = [started, (time.strftime("%Y-%m-%dT%H:%M:%S"), loadavg())]
            continue
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out = tmp.name
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--data", data, "--runs", str(a.runs),
                            "--only", ",".join(only), "--worker", cfg, "--out", out])
        if p.returncode != 0:
            results[cfg] = {"error": f"exit {p.returncode}"}
            continue
        with open(out) as fh:
            results[cfg] = json.load(fh)
        results[cfg]["when"] = [started, (time.strftime("%Y-%m-%dT%H:%M:%S"), loadavg())]
        os.remove(out)
    ok = [c for c in results if "answers" in results[c]]
    mismatches = {}
    if ok:
        ref = ok[0]
        for c in ok[1:]:
            for q in only:
                same, why = anchors.same_answer(canon(results[ref]["answers"][q]), canon(results[c]["answers"][q]))
                if not same:
                    mismatches[f"{c}:{q}"] = why
    for c in ok:
        results[c]["rows"] = {q: len(results[c]["answers"][q]) for q in only}
        del results[c]["answers"]
    merged = {}
    for path in a.merge:
        with open(path) as fh:
            earlier = json.load(fh)
        for c, v in earlier["configs"].items():
            if c not in results and "queries" in v:
                v["from"] = path
                merged[c] = v
        for k, why in earlier.get("mismatches", {}).items():
            mismatches.setdefault(k, why)
    report = {"data": data, "runs": a.runs, "questions": {q: QUESTIONS[q][0] for q in only},
              "configs": {**merged, **results}, "mismatches": mismatches,
              "merged_from": a.merge}
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
    print(table(report))


def table(report):
    configs = report["configs"]
    anchors_ok = {c: v for c, v in configs.items() if c != "cq" and "queries" in v}
    cq = configs.get("cq", {})
    lines = ["| question | cq statement | rows | fastest DuckDB | its median | cq median | cq ÷ DuckDB | ≤ 0.5 |",
             "|---|---|---:|---|---:|---:|---:|---|"]
    for q, text in report["questions"].items():
        if not anchors_ok or "queries" not in cq:
            continue
        best, ms = min(((c, v["queries"][q]["median_ms"]) for c, v in anchors_ok.items()), key=lambda p: p[1])
        mine = cq["queries"][q]["median_ms"]
        rows = cq.get("rows", {}).get(q, "")
        lines.append(f"| {q} | `{text}` | {rows:,} | {best} | {ms:,.1f} ms | {mine:,.1f} ms | {mine / ms:.3f} | "
                     f"{'yes' if mine <= 0.5 * ms else '**no**'} |")
    lines.append("")
    lines.append("| configuration | load (s) | peak RSS (MB) | timed (start, end: time, load average) |")
    lines.append("|---|---:|---:|---|")
    for c, v in configs.items():
        when = v.get("when")
        span = f"{when[0][0][11:]} ({when[0][1]}) .. {when[1][0][11:]} ({when[1][1]})" if when else ""
        if "error" in v:
            lines.append(f"| {c} | {v['error']} | | {span} |")
        else:
            lines.append(f"| {c} | {v.get('load_s') or 0:.2f} | {v['peak_rss_mb']:,.0f} | {span} |")
    if cq.get("cold_first_query_ms"):
        lines.append("")
        lines.append("| question | cq fresh process on the cache (first query, ms) | warm median (ms) | ratio |")
        lines.append("|---|---:|---:|---:|")
        for q, ms in cq["cold_first_query_ms"].items():
            warm = cq["queries"][q]["median_ms"]
            lines.append(f"| {q} | {ms:,.1f} | {warm:,.1f} | {ms / warm:.2f} |")
    lines.append("")
    if report["mismatches"]:
        lines.append("ANSWER MISMATCHES:")
        lines += [f"- {k}: {v}" for k, v in report["mismatches"].items()]
    else:
        lines.append(f"answers: all {len([c for c in configs if 'rows' in configs[c]])} configurations agree (rtol 1e-9)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
