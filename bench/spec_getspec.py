#!/usr/bin/python3
"""The spec service over loopback: getSpec of N ids aligned (all vectors, .npy, one request), the same bytes
from a static file on the same server (give --static DIR, the directory the server serves under /static/),
single-id getSpec latency, a 0.5-degree cone query, stackedImage of N ids, and the server's memory while
streaming --big ids (give its --pid).

Bodies are read the fastest way Python's http.client allows: with a Content-Length, readinto() one buffer kept
from request to request (so the client does not fault in 170 MB of fresh memory each time); without, 1 MiB
chunks. requests' own iter_content(1 MiB), which builds a new bytes object each time, is timed too.

usage: /usr/bin/python3 bench/spec_getspec.py http://127.0.0.1:5000/spec [--n 1000] [--big 10000] [--pid PID]
           [--static DIR] [--repeat 5]
"""
import argparse, io, os, statistics, threading, time
import numpy as np
import requests

ap = argparse.ArgumentParser()
ap.add_argument("spec")
ap.add_argument("--n", type=int, default=1000)
ap.add_argument("--big", type=int, default=10000)
ap.add_argument("--pid", type=int, default=0)
ap.add_argument("--static", default="")
ap.add_argument("--repeat", type=int, default=5)
a = ap.parse_args()
base = a.spec.rstrip("/")
server = base.rsplit("/", 1)[0]
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

reusable = [bytearray()]

def read_body(r):
    """The whole body: readinto one reused buffer when its length is known (no per-chunk copies), else 1 MiB chunks."""
    length = r.headers.get("Content-Length")
    if length is None or r.headers.get("Content-Encoding"):
        return b"".join(r.iter_content(1 << 20))
    length = int(length)
    if len(reusable[0]) < length: reusable[0] = bytearray(length)
    view, got = memoryview(reusable[0])[:length], 0
    while got < length:
        n = r.raw._fp.readinto(view[got:])   # http.client's response: straight from the socket
        if not n: raise IOError("body ended after %d of %d bytes" % (got, length))
        got += n
    r._content_consumed = True   # read to its end: requests may keep the connection for the next request
    return view

def iter_body(r):
    return b"".join(r.iter_content(1 << 20))

def post(call, data, reader=read_body):
    with s.post(base + "/" + call, data=data, stream=True, timeout=600) as r:
        r.raise_for_status()
        return reader(r)

def get_static(name, reader=read_body):
    with s.get(server + "/static/" + name, stream=True, timeout=600) as r:
        r.raise_for_status()
        return reader(r)

def timed(f, repeat):
    ts = []
    for _ in range(repeat):
        t = time.perf_counter(); body = f(); ts.append(time.perf_counter() - t)
    return body, statistics.median(ts), min(ts)

def getspec_form(idl, align="True"):
    return {"id_list": idl, "values": "all", "format": "numpy", "align": align, "cutout": "", **common}

post("getSpec", getspec_form(ids[:50]))  # warm up
post("getSpec", getspec_form(ids[:a.n]))  # first touch of the mapped pixels
body, med, best = timed(lambda: post("getSpec", getspec_form(ids[:a.n])), a.repeat)
body = bytes(body)
arr = np.load(io.BytesIO(body), allow_pickle=False)
mb = len(body) / 1e6
print("getSpec %d ids aligned, all vectors, .npy (readinto): median %.3f s = %.0f spectra/s (best %.0f), %.1f MB, %.0f MB/s, shape %s"
      % (a.n, med, a.n / med, a.n / best, mb, mb / med, arr.shape))
_, imed, ibest = timed(lambda: post("getSpec", getspec_form(ids[:a.n]), iter_body), a.repeat)
print("getSpec %d ids, requests iter_content(1 MiB): median %.3f s = %.0f spectra/s (best %.0f)" % (a.n, imed, a.n / imed, a.n / ibest))

if a.static:
    name = "getspec-%d.npy" % a.n
    with open(os.path.join(a.static, name), "wb") as f:
        f.write(body)
    get_static(name)
    sbody, smed, sbest = timed(lambda: get_static(name), a.repeat)
    assert bytes(sbody) == body
    _, simed, _ = timed(lambda: get_static(name, iter_body), a.repeat)
    print("static file of the same %.1f MB (readinto): median %.3f s = %.0f MB/s (best %.0f MB/s); iter_content: %.0f MB/s"
          % (mb, smed, mb / smed, mb / sbest, mb / simed))
    print("getSpec / static file time: %.2f (medians), %.2f (bests); with iter_content %.2f" % (med / smed, best / sbest, imed / simed))

ts = []
for i in range(200):
    t = time.perf_counter(); post("getSpec", getspec_form([ids[i % len(ids)]], "False")); ts.append((time.perf_counter() - t) * 1000)
ts = ts[20:]
print("getSpec 1 id: median %.2f ms, p90 %.2f ms" % (statistics.median(ts), sorted(ts)[int(len(ts) * 0.9)]))
ts = []
for i in range(200):
    t = time.perf_counter(); s.get(base, timeout=60).content; ts.append((time.perf_counter() - t) * 1000)
print("GET /spec (the client's floor): median %.2f ms" % statistics.median(ts[20:]))

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
with s.post(base + "/getSpec", data=getspec_form(ids[:a.big]), stream=True, timeout=600) as r:
    n = sum(len(c) for c in r.iter_content(1 << 20))
dt = time.perf_counter() - t
stop.set(); th.join()
print("getSpec %d ids aligned streamed (iter_content): %.1f MB in %.2f s (%.0f spectra/s); server peak RSS %.0f MB, own memory (RssAnon) %.0f MB"
      % (a.big, n / 1e6, dt, a.big / dt, peak[0] / 1e6, peak[1] / 1e6))

if a.static:
    # The same bytes as a static file, read the same way (chunks dropped).
    name = "getspec-%d.npy" % a.big
    with s.post(base + "/getSpec", data=getspec_form(ids[:a.big]), stream=True, timeout=600) as r, open(os.path.join(a.static, name), "wb") as f:
        for c in r.iter_content(1 << 20): f.write(c)
    def stream_static():
        with s.get(server + "/static/" + name, stream=True, timeout=600) as r:
            return sum(len(c) for c in r.iter_content(1 << 20))
    stream_static()
    _, smed, _ = timed(stream_static, 3)
    print("static file of the same %.1f MB (iter_content): median %.2f s = %.0f MB/s; getSpec / static time %.2f" % (n / 1e6, smed, n / 1e6 / smed, dt / smed))
    os.remove(os.path.join(a.static, name))

stack = {"id_list": ids[:a.n], "cmap": "gray", **common}
post("stackedImage", stack)
png, smed, sbest = timed(lambda: bytes(post("stackedImage", stack)), a.repeat)
print("stackedImage %d ids (natural size, gray): median %.0f ms (best %.0f), %.1f MB PNG" % (a.n, smed * 1000, sbest * 1000, len(png) / 1e6))
try:
    npy, nmed, _ = timed(lambda: bytes(post("stackedImage", {**stack, "format": "numpy"})), a.repeat)
    print("stackedImage %d ids as .npy: median %.0f ms, %.1f MB, shape %s" % (a.n, nmed * 1000, len(npy) / 1e6, np.load(io.BytesIO(npy)).shape))
except (requests.HTTPError, ValueError) as e:
    print("stackedImage as .npy: not served (%s)" % e)

