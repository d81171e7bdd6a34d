#!/usr/bin/python3
"""The spec service over loopback: getSpec of N ids aligned (all vectors, .npy, one request), single-id
getSpec latency, a 0.5-degree cone query, and the server's memory while streaming (give its --pid).

usage: /usr/bin/python3 bench/spec_getspec.py http://127.0.0.1:5000/spec [--n 1000] [--pid PID]
"""
import argparse, io, statistics, threading, time
import numpy as np
import requests

ap = argparse.ArgumentParser()
ap.add_argument("spec")
ap.add_argument("--n", type=int, default=1000)
ap.add_argument("--big", type=int, default=10000)
ap.add_argument("--pid", type=int, default=0)
a = ap.parse_args()
base = a.spec.rstrip("/")
common = {"context": "default", "profile": "default"}
s = requests.Session()
csv = s.get(base + "/query", params={"id": "", "fields": "specobjid,ra,dec", "catalog": "spec.specobj",
            "cond": "LIMIT %d" % max(a.n, a.big), **common}, timeout=120).text.split("\n")[1:]
rows = [l.split(",") for l in csv if l]
ids = [r[0] for r in rows]

def rss(kind):
    if not a.pid: return 0
    for line in open("/proc/%d/status" % a.pid):
        if line.startswith(kind): return int(line.split()[1]) * 1024
    return 0

def getspec(idl, align="True"):
    return s.post(base + "/getSpec", data={"id_list": idl, "values": "all", "format": "numpy", "align": align, "cutout": "", **common}, timeout=600)

getspec(ids[:50])  # warm up
t = time.perf_counter(); r = getspec(ids[:a.n]); dt = time.perf_counter() - t
arr = np.load(io.BytesIO(r.content), allow_pickle=False)
print("getSpec %d ids aligned, all vectors, .npy: %.3f s = %.0f spectra/s, %.1f MB (%.0f MB/s), shape %s"
      % (a.n, dt, a.n / dt, len(r.content) / 1e6, len(r.content) / 1e6 / dt, arr.shape))

ts = []
for i in range(100):
    t = time.perf_counter(); getspec([ids[i % len(ids)]], "False"); ts.append((time.perf_counter() - t) * 1000)
print("getSpec 1 id: median %.2f ms, p90 %.2f ms" % (statistics.median(ts), sorted(ts)[90]))

ts = []
for i in range(100):
    ra, dec = rows[(i * 37) % len(rows)][1:3]
    t = time.perf_counter()
    s.get(base + "/query", params={"id": "", "fields": "specobjid", "catalog": "spec.specobj",
          "cond": "q3c_radial_query(ra,dec,%s,%s,0.5)" % (ra, dec), **common})
    ts.append((time.perf_counter() - t) * 1000)
print("query 0.5-degree cone: median %.2f ms, p90 %.2f ms" % (statistics.median(ts), sorted(ts)[90]))

peak = [0, 0]
stop = threading.Event()
def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss("VmRSS:")); peak[1] = max(peak[1], rss("RssAnon:")); time.sleep(0.05)
th = threading.Thread(target=sample); th.start()
t = time.perf_counter()
with s.post(base + "/getSpec", data={"id_list": ids[:a.big], "values": "all", "format": "numpy", "align": "True", "cutout": "", **common},
            stream=True, timeout=600) as r:
    n = sum(len(c) for c in r.iter_content(1 << 20))
dt = time.perf_counter() - t
stop.set(); th.join()
print("getSpec %d ids aligned streamed: %.1f MB in %.2f s (%.0f spectra/s); server peak RSS %.0f MB, own memory (RssAnon) %.0f MB"
      % (a.big, n / 1e6, dt, a.big / dt, peak[0] / 1e6, peak[1] / 1e6))
