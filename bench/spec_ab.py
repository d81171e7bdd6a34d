#!/usr/bin/python3
"""A/B of /spec servers on a noisy machine: the same requests sent to each server in turn, interleaved, so that load
changes hit all of them alike. Single-id getSpec (all vectors, .npy) latency, and stackedImage of N ids.
Bodies are read as bench/spec_getspec.py reads them.

usage: /usr/bin/python3 bench/spec_ab.py http://127.0.0.1:5171/spec http://127.0.0.1:5172/spec [--single 1500] [--stacked 20] [--n 1000]
"""
import argparse, statistics, time
import requests

ap = argparse.ArgumentParser()
ap.add_argument("spec", nargs="+")
ap.add_argument("--single", type=int, default=1500)
ap.add_argument("--stacked", type=int, default=20)
ap.add_argument("--n", type=int, default=1000)
a = ap.parse_args()
common = {"context": "default", "profile": "default"}
sessions = [requests.Session() for _ in a.spec]
csv = sessions[0].get(a.spec[0] + "/query", params={"id": "", "fields": "specobjid", "catalog": "spec.specobj",
                      "cond": "LIMIT %d" % a.n, **common}, timeout=120).text.split("\n")[1:]
ids = [l for l in csv if l]
buffer = [bytearray()]

def read_body(r):
    r.raise_for_status()
    length = r.headers.get("Content-Length")
    if length is None:
        return len(b"".join(r.iter_content(1 << 20)))
    length = int(length)
    if len(buffer[0]) < length: buffer[0] = bytearray(length)
    view, got = memoryview(buffer[0])[:length], 0
    while got < length:
        n = r.raw._fp.readinto(view[got:])
        if not n: raise IOError("short body")
        got += n
    r._content_consumed = True
    return got

def run(name, count, form, skip):
    times = [[] for _ in a.spec]
    for i in range(count):
        for k, (url, s) in enumerate(zip(a.spec, sessions)):
            t = time.perf_counter()
            with s.post(url + name, data=form(i), stream=True, timeout=600) as r: read_body(r)
            times[k].append((time.perf_counter() - t) * 1000)
    for url, ts in zip(a.spec, times):
        ts = sorted(ts[skip:])
        print("%-40s %s: median %.3f ms, p10 %.3f, p90 %.3f" % (url, name, statistics.median(ts), ts[len(ts) // 10], ts[len(ts) * 9 // 10]))

run("/getSpec", a.single, lambda i: {"id_list": ids[i % len(ids)], "values": "all", "format": "numpy", "align": "False", "cutout": "", **common}, a.single // 10)
if a.stacked:
    run("/stackedImage", a.stacked, lambda i: {"id_list": ids, "cmap": "gray", **common}, 2)
