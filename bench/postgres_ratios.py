#!/usr/bin/python3
"""The table of bench/postgres.sh: per scenario, the median latency with each backend (median over the rounds), the
ratio PostgreSQL/SQLite per round (then its median: the VM is shared, a ratio within one round is what holds), and
each backend's throughput with 8 clients over sequential.  usage: postgres_ratios.py OUT_DIR ROUNDS [BASE SIDE]
(the JSON files are OUT_DIR/SIDE-ROUND.json; BASE and SIDE default to sqlite and postgres, bench/postgres_ab.sh names others)"""
import json
import statistics
import sys

out, rounds = sys.argv[1], int(sys.argv[2])
base, other = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("sqlite", "postgres")
runs = {side: [json.load(open(f"{out}/{side}-{r}.json"))["results"] for r in range(1, rounds + 1)] for side in (base, other)}
scenarios = sorted({k.split("/")[0] for k in runs[base][0]})
print("%-12s %11s %13s %14s %11s %13s" % ("scenario", f"{base} ms", f"{other} ms", "ratio", f"{base} c8x", f"{other} c8x"))
for s in scenarios:
    seq = {side: [r[f"{s}/seq"]["median_ms"] for r in runs[side]] for side in runs}
    c8 = {side: statistics.median(r[f"{s}/c8"]["req_per_s"] / r[f"{s}/seq"]["req_per_s"] for r in runs[side]) for side in runs}
    ratio = statistics.median(p / q for p, q in zip(seq[other], seq[base]) if q > 0)
    rounds_text = " ".join("%.2f" % (p / q) for p, q in zip(seq[other], seq[base]) if q > 0)
    print("%-12s %11.3f %13.3f %13.2fx %10.2fx %12.2fx   rounds %s" % (
        s, statistics.median(seq[base]), statistics.median(seq[other]), ratio, c8[base], c8[other], rounds_text))
