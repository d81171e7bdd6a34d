#!/usr/bin/python3
"""The table of bench/dachs.sh: per anchor scenario, the sequential median latency of DaCHS and of VoSpec (medians
over the rounds), VoSpec/DaCHS as the median of the per-round ratios (the machine is shared: a ratio within one round
is what holds), issue 12's goal for it and whether it is met, and each side's 8-client throughput; then DaCHS's
SSA asked with half the SIZE (DaCHS reads SIZE as a radius: the same rows as VoSpec's) and DaCHS's
{links} through its ivoa.obscore forwarder (the redirect alone).
usage: dachs_ratios.py OUT_DIR ROUNDS"""
import json
import statistics
import sys

# scenario: (label, issue 12's anchor median in ms as measured on DaCHS elsewhere, goal as a fraction of DaCHS)
GOALS = {
    "tap_cone": ("TAP cone (TOP 100, r = 1°)", 95, 1 / 20),
    "dl_links_1": ("`{links}` 1 ID", 44, 1 / 20),
    "soda_cutout": ("SODA cutout", 50, 1 / 20),
    "ssa_query": ("SSA query", 26, 1 / 10),
    "floor": ("floor (`/tap/availability`)", None, None),
}

out, rounds = sys.argv[1], int(sys.argv[2])
runs = {side: [json.load(open(f"{out}/{side}-{r}.json"))["results"] for r in range(1, rounds + 1)]
        for side in ("dachs", "vospec")}
print("| scenario | issue's DaCHS ms | DaCHS ms | VoSpec ms | VoSpec / DaCHS | goal | met | DaCHS c8 req/s | VoSpec c8 req/s |")
print("|---|---:|---:|---:|---:|---:|---|---:|---:|")
for s, (label, anchor, goal) in GOALS.items():
    seq = {side: [r[f"{s}/seq"]["median_ms"] for r in runs[side]] for side in runs}
    c8 = {side: statistics.median(r[f"{s}/c8"]["req_per_s"] for r in runs[side]) for side in runs}
    errors = sum(r[f"{s}/{m}"]["errors"] for side in runs for r in runs[side] for m in ("seq", "c8"))
    ratio = statistics.median(v / d for v, d in zip(seq["vospec"], seq["dachs"]))
    met = "—" if goal is None else ("yes" if ratio <= goal else "**no**")
    print("| %s | %s | %.3f | %.3f | 1/%.0f | %s | %s | %.1f | %.1f |%s" % (
        label, "—" if anchor is None else anchor, statistics.median(seq["dachs"]), statistics.median(seq["vospec"]),
        1 / ratio, "—" if goal is None else "≤ 1/%d" % round(1 / goal), met, c8["dachs"], c8["vospec"],
        " %d errors" % errors if errors else ""))
half = [json.load(open(f"{out}/dachs-ssa-half-{r}.json"))["results"] for r in range(1, rounds + 1)]
seq_half = [r["ssa_query/seq"]["median_ms"] for r in half]
ratio = statistics.median(v["ssa_query/seq"]["median_ms"] / d for v, d in zip(runs["vospec"], seq_half))
print("| SSA query, DaCHS asked SIZE = 1 (the rows VoSpec returns for SIZE = 2) | — | %.3f | %.3f | 1/%.0f | ≤ 1/10 | %s | %.1f | %.1f |" % (
    statistics.median(seq_half), statistics.median(r["ssa_query/seq"]["median_ms"] for r in runs["vospec"]), 1 / ratio,
    "yes" if ratio <= 0.1 else "**no**", statistics.median(r["ssa_query/c8"]["req_per_s"] for r in half),
    statistics.median(r["ssa_query/c8"]["req_per_s"] for r in runs["vospec"])))
forward = [json.load(open(f"{out}/dachs-forward-{r}.json"))["results"]["dl_links_1/seq"]["median_ms"]
           for r in range(1, rounds + 1)]
print("\nDaCHS `{links}` 1 ID through its ivoa.obscore service descriptor (__system__/obscore/dl, the 302 alone): "
      "%.3f ms sequential median" % statistics.median(forward))
