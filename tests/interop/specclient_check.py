#!/usr/bin/python3
"""Drives Data Lab's own Python client (dl.specClient from github.com/astro-datalab/datalab, unmodified,
not part of this repository) against a running VoSpec, call by call, and prints what worked.

    specclient_check.py http://127.0.0.1:5000 /path/to/datalab-checkout [RA DEC]

Needs Debian's python3-numpy, -astropy, -requests, -pandas, -pil, -matplotlib, -pycurl and -specutils.
Requests the client makes at import time to its built-in Data Lab host are redirected to the local
server, so nothing leaves the machine.
"""
import sys, traceback, warnings
warnings.simplefilter("ignore")
BASE = sys.argv[1].rstrip("/")
sys.path.insert(0, sys.argv[2])
RA, DEC = (float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else (None, None)
import requests
_orig = requests.sessions.Session.request
def _redirect(self, method, url, *a, **k):
    for root in ("https://datalab.noirlab.edu", "https://dldev.datalab.noirlab.edu", "https://dltest.datalab.noirlab.edu"):
        if url.startswith(root): url = BASE + url[len(root):]
    assert url.startswith("http://127.0.0.1"), url
    return _orig(self, method, url, *a, **k)
requests.sessions.Session.request = _redirect
import matplotlib; matplotlib.use("Agg")
from dl import specClient as sc
c = sc.client
c.set_svc_url(BASE + "/spec")
results = []
def step(name, f):
    try:
        v = f()
        results.append((name, "ok", repr(v)[:160].replace("\n", " ")))
        return v
    except Exception as e:
        results.append((name, "FAIL", (type(e).__name__ + ": " + str(e))[:300].replace("\n", " ")))
        traceback.print_exc(file=sys.stderr)
step("isAlive", lambda: c.isAlive(BASE + "/spec"))
step("list_contexts", lambda: c.list_contexts())
step("list_profiles", lambda: c.list_profiles())
step("catalogs", lambda: c.catalogs())
ids = step("query constraint", lambda: c.query(constraint="z > 0.05 limit 20"))
if RA is not None:
    ids = step("query cone", lambda: sc.query(RA, DEC, 0.5))
    step("query cone+constraint", lambda: sc.query(RA, DEC, 0.5, constraint="z > 0.05 order by z"))
    step("query polygon", lambda: sc.query([(RA - 1, DEC - 1), (RA + 1, DEC - 1), (RA + 1, DEC + 1), (RA - 1, DEC + 1)]))
step("query constraint", lambda: c.query(constraint="z between 0.05 and 0.3 order by z limit 10"))
step("query tuple fields", lambda: c.query(constraint="z > 0.1 limit 5", fields="tuple"))
few = list(ids[:5]) if ids is not None else []
step("getSpec numpy 1 id", lambda: (lambda a: (a.dtype.names, a.shape))(c.getSpec(few[:1], fmt="numpy")))
step("getSpec numpy", lambda: [ (a.dtype.names, a.shape) for a in c.getSpec(few, fmt="numpy")][:2])
step("getSpec numpy align", lambda: (lambda a: (a.dtype.names, a.shape))(c.getSpec(few, fmt="numpy", align=True)))
step("getSpec cutout", lambda: (lambda a: (a.shape, float(a["loglam"].min()) if "loglam" in a.dtype.names else None))(c.getSpec(few, fmt="numpy", cutout="6500-7200")))
step("getSpec pandas", lambda: type(c.getSpec(few[:1], fmt="pandas")))
step("getSpec pandas align", lambda: type(c.getSpec(few[:3], fmt="pandas", align=True)))
step("getSpec Spectrum1D", lambda: type(c.getSpec(few[:1], fmt="Spectrum1D")))
step("getSpec Spectrum1D align", lambda: type(c.getSpec(few[:3], fmt="Spectrum1D", align=True)))
step("getSpec SpectrumCollection", lambda: type(c.getSpec(few[:3], fmt="SpectrumCollection", align=True)))
step("getSpec tables", lambda: type(c.getSpec(few[:1], fmt="tables")))
step("getSpec fits", lambda: type(c.getSpec(few[:1], fmt="FITS")))
step("getSpec values", lambda: (lambda a: a.dtype.names)(c.getSpec(few[:2], fmt="numpy", values="flux,model", align=True)))
step("preview", lambda: c.preview(few[0]).size)
step("plotGrid", lambda: c.plotGrid(few, 2, 2).size)
step("plot", lambda: c.plot(c.getSpec(few[:1], fmt="numpy"), out="/tmp/dlclient/plot.png") or "saved")
step("stackedImage", lambda: c.stackedImage(few, align=True).size)
step("stackedImage scaled", lambda: c.stackedImage(few, align=True, scale=(0.5, 2.0)).size)
for r in results: print("%-22s %-5s %s" % r)
print("FAILED:", sum(1 for r in results if r[1] != "ok"), "of", len(results))
