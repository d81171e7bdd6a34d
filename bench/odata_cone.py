#!/usr/bin/python3
"""OData cone against TAP cone through wrk (issue 16's goal: the OData $filter cone with $top=100 within 1.5x of the
TAP cone's median on the 2,000-spectrum demo). The same 50 centres (the first 50 spectra), radius 1 degree, 100 rows:
  TAP:   /tap/sync?LANG=ADQL&QUERY=SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT(...), CIRCLE(ra, dec, 1)) = 1
  OData: /odata/obscore?$top=100&$filter=geo.distance(position, geography'POINT(ra dec)') lt 1
Rounds alternate TAP and OData (A/B in one run); medians and their ratio per round.

usage: /usr/bin/python3 bench/odata_cone.py http://127.0.0.1:5000/ [-d 5] [-c 1] [--rounds 3]
"""
import argparse, csv, io, os, re, statistics, subprocess, tempfile, urllib.parse
import requests

ap = argparse.ArgumentParser()
ap.add_argument("base")
ap.add_argument("-d", type=int, default=5)
ap.add_argument("-c", type=int, default=1)
ap.add_argument("--rounds", type=int, default=3)
a = ap.parse_args()
base = a.base.rstrip("/") + "/"
first = requests.get(base + "tap/sync", params={"LANG": "ADQL", "RESPONSEFORMAT": "csv",
        "QUERY": "SELECT TOP 50 s_ra, s_dec FROM ivoa.obscore ORDER BY obs_publisher_did"}, timeout=60)
pos = [(float(r[0]), float(r[1])) for r in list(csv.reader(io.StringIO(first.text)))[1:]]
adql = "SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %.6f, %.6f, 1)) = 1"
paths = {
    "tap": ["/tap/sync?" + urllib.parse.urlencode({"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": adql % p}) for p in pos],
    "odata": ["/odata/obscore?" + urllib.parse.urlencode({"$top": "100", "$filter": "geo.distance(position, geography'POINT(%.6f %.6f)') lt 1" % p}) for p in pos],
}
for name, ps in paths.items():  # every request answers 200 with rows
    for p in ps[:3]:
        r = requests.get(base.rstrip("/") + p, timeout=60)
        r.raise_for_status()

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""

def run(name):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % ", ".join('"%s"' % p.replace('"', '\\"') for p in paths[name]))
    out = subprocess.run(["wrk", "-t1", "-c%d" % a.c, "-d%ds" % a.d, "--latency", "-s", f.name, base], capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    if "Non-2xx" in out: raise SystemExit(name + ": non-2xx answers\n" + out)
    m = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    value = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return value, rps

ratios = []
for k in range(a.rounds):
    (tap, tap_rps), (od, od_rps) = run("tap"), run("odata")
    ratios.append(od / tap)
    print("round %d: TAP median %.3f ms (%.0f req/s), OData median %.3f ms (%.0f req/s): OData/TAP %.2fx" % (k + 1, tap, tap_rps, od, od_rps, od / tap))
print("median ratio over %d rounds: %.2fx (goal <= 1.5x)" % (a.rounds, statistics.median(ratios)))
