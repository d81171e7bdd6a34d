#!/usr/bin/python3
"""Latency of a TAP cone (bench.py's tap_cone around one spectrum), DataLink {links} (1 ID), SODA, a cached preview
and the floor request, through two Python clients on the same loopback, so that the client's own cost can be told
from the server's:

  requests  a requests.Session (what ../shared/conformance/bench.py uses): ~0.4-0.9 ms of its own per request here
  raw       one keep-alive socket per thread, the request bytes prepared once, the response read by its
            Content-Length or its chunks (status line checked): the least a Python client can do

Each round runs every target n times per client, sequentially, then n*c requests over c threads (one connection
each); targets and clients alternate within a round, so load changes hit all of them alike. Reports per target and
client the median of the round medians, p10 of all requests, and the -c throughput ÷ sequential throughput.

usage: /usr/bin/python3 bench/latency.py http://127.0.0.1:5088 [-n 300] [-c 8] [--rounds 5]
"""
import argparse, re, socket, statistics, threading, time, urllib.parse
import requests

ap = argparse.ArgumentParser()
ap.add_argument("base")
ap.add_argument("-n", type=int, default=300)
ap.add_argument("-c", type=int, default=8)
ap.add_argument("--rounds", type=int, default=5)
a = ap.parse_args()
base = a.base.rstrip("/") + "/"
u = urllib.parse.urlsplit(base)
host, port = u.hostname, u.port or 80

# Targets: the floor, {links} of one ID, a SODA cutout and the cached preview of the same spectrum.
row = requests.get(base + "tap/sync", params={"LANG": "ADQL", "RESPONSEFORMAT": "csv",
    "QUERY": "SELECT TOP 1 obs_publisher_did, em_min, em_max, s_ra, s_dec FROM ivoa.obscore ORDER BY obs_publisher_did"}, timeout=60)
did, lo, hi, ra, dec = row.text.splitlines()[1].split(",")
lo, hi = float(lo), float(hi)
q = urllib.parse.quote(did, safe="")
cone = ("SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %s, %s, 1)) = 1" % (ra, dec))
targets = {
    "floor": "tap/availability",
    "tap_cone": "tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=" + urllib.parse.quote(cone, safe=""),
    "links_1": "datalink/links?ID=" + q,
    "soda": "soda/sync?ID=%s&BAND=%r+%r" % (q, lo + 0.45 * (hi - lo), lo + 0.55 * (hi - lo)),
    "preview": None,
}
links = requests.get(base + targets["links_1"], timeout=60).text
targets["preview"] = [urllib.parse.unquote(m).replace("&amp;", "&") for m in re.findall(r"<TD>(http[^<]*)</TD>", links) if "preview" in m][0]
targets["preview"] = targets["preview"][len(base):]
requests.get(base + targets["preview"], timeout=60).raise_for_status()   # rendered and cached now


class Raw:
    """HTTP/1.1 keep-alive over one socket: fixed request bytes, response read by Content-Length."""
    def __init__(self):
        self.s = socket.create_connection((host, port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _fill(self, n):
        while len(self.buf) < n:
            self.buf += self.s.recv(max(65536, n - len(self.buf)))

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def get(self, request):
        self.s.sendall(request)
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 2"):
            raise RuntimeError(head.split(b"\r\n")[0])
        m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        if m:
            length = int(m.group(1))
            self._fill(length)
            self.buf = self.buf[length:]
            return length
        # chunked (streamed results): size line, data, CRLF; a zero size ends the body
        total = 0
        while True:
            size = int(self._line().split(b";")[0], 16)
            if size == 0:
                self._line()
                return total
            self._fill(size + 2)
            self.buf = self.buf[size + 2:]
            total += size


def raw_request(path):
    return ("GET /%s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: vospec-latency/1\r\n\r\n" % (path, host, port)).encode()


def run(client, path, n, threads):
    """n requests (per thread); returns (latencies in ms, requests/s)."""
    lat, lock = [], threading.Lock()

    def worker():
        mine = []
        if client == "raw":
            c, req = Raw(), raw_request(path)
            for _ in range(n):
                t = time.perf_counter(); c.get(req); mine.append(time.perf_counter() - t)
            c.s.close()
        else:
            s, url = requests.Session(), base + path
            for _ in range(n):
                t = time.perf_counter(); r = s.get(url, timeout=60); r.content; mine.append(time.perf_counter() - t)
                r.raise_for_status()
        with lock:
            lat.extend(mine)

    ws = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for w in ws: w.start()
    for w in ws: w.join()
    wall = time.perf_counter() - t0
    return [x * 1000 for x in lat], len(lat) / wall


results = {}
for rnd in range(a.rounds):
    for name, path in targets.items():
        for client in ("requests", "raw"):
            run(client, path, 20, 1)                                   # warm the connection and the path
            seq, seq_rate = run(client, path, a.n, 1)
            _, conc_rate = run(client, path, max(1, a.n // a.c), a.c)
            r = results.setdefault((name, client), {"medians": [], "all": [], "ratios": []})
            r["medians"].append(statistics.median(seq)); r["all"].extend(seq); r["ratios"].append(conc_rate / seq_rate)

print("target    client    median ms (of %d round medians)  p10 ms   -c %d / sequential (median of rounds)" % (a.rounds, a.c))
for (name, client), r in results.items():
    p10 = sorted(r["all"])[len(r["all"]) // 10]
    print("%-9s %-9s %8.3f  (rounds %s)   %6.3f   %5.2fx" % (name, client, statistics.median(r["medians"]),
          " ".join("%.3f" % m for m in r["medians"]), p10, statistics.median(r["ratios"])))
