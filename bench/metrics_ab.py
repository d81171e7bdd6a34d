#!/usr/bin/python3
"""/metrics on against off (issue 16's goal: /metrics adds no more than 5 % to any request type's median), A/B with many
alternations: two servers of one build on one archive, one with VoSpec:Operations:Metrics=false and one with it on
(request log off in both), and for each round and each request type a wrk run on each (order alternating), 1
connection. Prints each type's per-round ratios and their median.

usage: /usr/bin/python3 bench/metrics_ab.py http://127.0.0.1:5421/ http://127.0.0.1:5422/ [--rounds 10] [-d 3]
  (OFF first, ON second; e.g.
   VOSPEC_OPERATIONS__METRICS=false VOSPEC_OPERATIONS__REQUESTLOG=false VOSPEC_LIMITS__ENABLED=false vospec serve --archive A --urls http://127.0.0.1:5421 &
   VOSPEC_OPERATIONS__REQUESTLOG=false VOSPEC_LIMITS__ENABLED=false vospec serve --archive A --urls http://127.0.0.1:5422 &)
"""
import argparse, csv, io, re, statistics, subprocess, urllib.parse
import requests

ap = argparse.ArgumentParser()
ap.add_argument("off")
ap.add_argument("on")
ap.add_argument("--rounds", type=int, default=10)
ap.add_argument("-d", type=int, default=3)
ap.add_argument("--only", nargs="*", help="request types to run (default: all)")
a = ap.parse_args()
off, on = a.off.rstrip("/"), a.on.rstrip("/")
rows = list(csv.reader(io.StringIO(requests.get(off + "/tap/sync", params={"LANG": "ADQL", "RESPONSEFORMAT": "csv",
    "QUERY": "SELECT TOP 50 obs_publisher_did, s_ra, s_dec FROM ivoa.obscore ORDER BY obs_publisher_did"}, timeout=60).text)))[1:]
did, ra, dec = rows[0][0], float(rows[0][1]), float(rows[0][2])
q = urllib.parse.quote
paths = {
    "floor": "/tap/availability",
    "TAP cone": "/tap/sync?LANG=ADQL&QUERY=" + q("SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %r, %r, 1)) = 1" % (ra, dec)),
    "{links} 1 ID": "/datalink/links?ID=" + q(did),
    "SODA cutout": "/soda/sync?ID=" + q(did) + "&BAND=" + q("5e-7 6e-7"),
    "SSA": "/ssa?REQUEST=queryData&POS=%r,%r&SIZE=1" % (ra, dec),
    "{links} 50 IDs": "/datalink/links?" + "&".join("ID=" + q(r[0]) for r in rows),
    "OData cone": "/odata/obscore?" + urllib.parse.urlencode({"$top": "100", "$filter": "geo.distance(position, geography'POINT(%r %r)') lt 1" % (ra, dec)}),
}
if a.only: paths = {k: v for k, v in paths.items() if k in a.only}
for p in paths.values():
    for base in (off, on):
        requests.get(base + p, timeout=60).raise_for_status()

def median_ms(url):
    out = subprocess.run(["wrk", "-t1", "-c1", "-d%ds" % a.d, "--latency", url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    return float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]

ratios = {k: [] for k in paths}
for r in range(a.rounds):
    for name, p in paths.items():
        if r % 2 == 0: x, y = median_ms(off + p), median_ms(on + p)
        else: y, x = median_ms(on + p), median_ms(off + p)
        ratios[name].append(y / x)
    print("round %d: " % (r + 1) + ", ".join("%s %.3f" % (k, v[-1]) for k, v in ratios.items()), flush=True)
for name, v in ratios.items():
    print("%-14s on/off median %.3f (rounds: %s)" % (name, statistics.median(v), " ".join("%.2f" % x for x in v)))
