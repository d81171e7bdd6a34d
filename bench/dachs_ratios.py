#!/usr/bin/python3
"""The table of bench/dachs.sh: per anchor scenario, the sequential median latency of DaCHS and of VoSpec (medians
over the rounds), VoSpec/DaCHS as the median of the per-round ratios (the machine is shared: a ratio within one round
is what holds), issue 12's goal for it and whether it is met, and each side's 8-client throughput.
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
