#!/usr/bin/python3
"""Requests on a large archive, measured with wrk (issue 18): the probes, a TAP cone (TOP 100, r = 0.5 deg) and
DataLink {links} for one ID, each with 1 and with 8 connections, with cone centres and IDs spread over the whole sky
(not the first rows' neighbourhood, which a sky-ordered archive keeps on a few pages).

usage: /usr/bin/python3 bench/large.py http://127.0.0.1:PORT [-d 10] [--radius 0.5] [--seed 7] [--json OUT]
The server is started by the caller (bench/large.sh).  Prints one line per request type and concurrency:
median and p90 latency (ms), req/s, non-2xx count; and the 8-connection/1-connection throughput ratio.
"""
import argparse, csv, io, json, math, os, random, re, subprocess, tempfile, urllib.parse
import requests

ap = argparse.ArgumentParser()
ap.add_argument("base")
ap.add_argument("-d", type=int, default=10)
ap.add_argument("--radius", type=float, default=0.5)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--only", default="")
ap.add_argument("--json")
a = ap.parse_args()
base = a.base.rstrip("/") + "/"
rnd = random.Random(a.seed)


def sky(n):
    """n positions uniform on the sphere."""
    return [(rnd.random() * 360, math.degrees(math.asin(2 * rnd.random() - 1))) for _ in range(n)]


cone = "SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %.6f, %.6f, %g)) = 1"
cones = ["tap/sync?" + urllib.parse.urlencode({"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": cone % (ra, dec, a.radius)})
         for ra, dec in sky(500)]

# One ID near each of 200 random places: found through TAP, as a client would.
dids = []
for ra, dec in sky(200):
    r = requests.get(base + "tap/sync", params={"LANG": "ADQL", "RESPONSEFORMAT": "csv", "QUERY":
        "SELECT TOP 1 obs_publisher_did FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %.6f, %.6f, 1)) = 1" % (ra, dec)}, timeout=120)
    r.raise_for_status()
    rows = list(csv.reader(io.StringIO(r.text)))[1:]
    dids += [row[0] for row in rows if row]
links = ["datalink/links?" + urllib.parse.urlencode({"ID": d}) for d in dids]

types = {
    "tap_availability": ["tap/availability"],
    "spec_available": ["spec/available"],
    "landing": [""],
    "spec_contexts": ["spec/contexts"],
    "tap_cone": cones,
    "dl_links_1": links,
}
if a.only:
    types = {k: v for k, v in types.items() if k in a.only.split(",")}

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "%s" .. paths[(i %% #paths) + 1])
end
local bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%f %%f %%d %%d\\n", latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    summary.requests, summary.errors.status))
end
"""

results = {}
host = re.match(r"(https?://[^/]+)(/.*)", base)
for name, paths in types.items():
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        plist = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % (plist, host.group(2)))
        script = f.name
    for i in range(min(20, len(paths))):
        requests.get(base + paths[i], timeout=120)
    row = {}
    for c in (1, 8):
        out = subprocess.run(["wrk", "-t", "1", "-c", str(c), "-d", f"{a.d}s", "-s", script, host.group(1)],
                             capture_output=True, text=True, check=True).stdout
        m = re.search(r"RESULT (\S+) (\S+) (\d+) (\d+)", out)
        p50, p90, n, bad = float(m.group(1)), float(m.group(2)), int(m.group(3)), int(m.group(4))
        rps = n / a.d
        row[c] = {"median_ms": p50, "p90_ms": p90, "req_s": rps, "non2xx": bad}
        print(f"{name:18s} -c {c}: median {p50:8.3f} ms  p90 {p90:8.3f} ms  {rps:9.1f} req/s  non-2xx {bad}", flush=True)
    row["ratio_8_1"] = row[8]["req_s"] / row[1]["req_s"]
    print(f"{name:18s} 8-connection / sequential throughput: {row['ratio_8_1']:.2f}x", flush=True)
    results[name] = row
    os.unlink(plist)
    os.unlink(script)
if a.json:
    with open(a.json, "w") as f:
        json.dump(results, f, indent=1)
