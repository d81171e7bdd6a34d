#!/usr/bin/python3
"""TAP cone latency over loopback, the way ../shared/conformance/bench.py's tap_cone scenario asks:
SELECT TOP 100 * FROM ivoa.obscore inside a 1-degree cone around each of the first 50 spectra.
Until DataLink exists (which bench.py needs before any scenario runs) this is the TAP measure.

usage: /usr/bin/python3 bench/tap_cone.py http://127.0.0.1:5000/tap [-n 200] [-c 8]
"""
import argparse, csv, io, statistics, threading, time
import requests

ap = argparse.ArgumentParser()
ap.add_argument("tap")
ap.add_argument("-n", type=int, default=200)
ap.add_argument("-c", type=int, default=8)
ap.add_argument("--radius", type=float, default=1.0)
a = ap.parse_args()
tap = a.tap.rstrip("/")
first = requests.get(tap + "/sync", params={"LANG": "ADQL", "RESPONSEFORMAT": "csv",
        "QUERY": "SELECT TOP 50 s_ra, s_dec FROM ivoa.obscore ORDER BY obs_publisher_did"}, timeout=60)
pos = [(float(r[0]), float(r[1])) for r in list(csv.reader(io.StringIO(first.text)))[1:]]
adql = "SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %.6f, %.6f, %g)) = 1"
reqs = [{"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": adql % (pos[i % len(pos)] + (a.radius,))} for i in range(a.n)]

s = requests.Session()
for p in reqs[:5]:
    s.get(tap + "/sync", params=p, timeout=60)
times = []
t0 = time.perf_counter()
for p in reqs:
    t = time.perf_counter()
    r = s.get(tap + "/sync", params=p, timeout=60)
    r.raise_for_status()
    times.append((time.perf_counter() - t) * 1000)
seq = a.n / (time.perf_counter() - t0)
times.sort()

errors = []
lock = threading.Lock()
it = iter(reqs)
def worker():
    ws = requests.Session()
    while True:
        with lock:
            p = next(it, None)
        if p is None:
            return
        r = ws.get(tap + "/sync", params=p, timeout=60)
        if r.status_code != 200:
            errors.append(r.status_code)
t0 = time.perf_counter()
ts = [threading.Thread(target=worker) for _ in range(a.c)]
[t.start() for t in ts]
[t.join() for t in ts]
conc = a.n / (time.perf_counter() - t0)
print("tap_cone r=%g deg: sequential median %.2f ms, p90 %.2f ms, %.0f req/s; -c %d: %.0f req/s (%.2fx sequential), %d errors"
      % (a.radius, statistics.median(times), times[int(len(times) * 0.9)], seq, a.c, conc, conc / seq, len(errors)))
