#!/usr/bin/python3
"""getSpec of N ids aligned (all vectors, .npy, streamed with iter_content(1 MiB)) on a server that has just
started: the first pass (pixel pages not yet mapped in the server, unless VoSpec:Prefault warmed them), then a
second pass over the same ids. Run it right after the server's "VoSpec serving" line.

usage: /usr/bin/python3 bench/spec_cold.py http://127.0.0.1:5000/spec [--n 10000]
"""
import argparse, time
import requests

ap = argparse.ArgumentParser()
ap.add_argument("spec")
ap.add_argument("--n", type=int, default=10000)
a = ap.parse_args()
base = a.spec.rstrip("/")
common = {"context": "default", "profile": "default"}
s = requests.Session()
csv = s.get(base + "/query", params={"id": "", "fields": "specobjid", "catalog": "spec.specobj",
            "cond": "LIMIT %d" % a.n, **common}, timeout=120).text.split("\n")[1:]
ids = [l.split(",")[0] for l in csv if l]
form = {"id_list": ids, "values": "all", "format": "numpy", "align": "True", "cutout": "", **common}

for label in ("first pass", "second pass"):
    t = time.perf_counter()
    n = 0
    with s.post(base + "/getSpec", data=form, stream=True, timeout=600) as r:
        r.raise_for_status()
        for chunk in r.iter_content(1 << 20): n += len(chunk)
    dt = time.perf_counter() - t
    print("getSpec %d ids aligned streamed, %s: %.1f MB in %.2f s = %.0f spectra/s" % (len(ids), label, n / 1e6, dt, len(ids) / dt))
