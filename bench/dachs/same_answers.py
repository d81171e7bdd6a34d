#!/usr/bin/python3
"""bench/dachs.sh's check that the two services answer bench.py's request shapes with the same rows, so that the
timings compare like with like: for a few positions of the demo, the TAP cone (TOP 100, r = 1 deg) and the SSA query
(SIZE = 2 deg) row counts on VoSpec and DaCHS, and the pixel count of a SODA cutout of one spectrum (the middle 10 %
of its em_min..em_max, as bench.py asks), and the HTTP status of each request shape without following redirects.
usage: same_answers.py VOSPEC_BASE DACHS_BASE"""
import io
import sys
import warnings

import requests

warnings.simplefilter("ignore")
import pyvo  # noqa: E402
from pyvo.dal.adhoc import DatalinkQuery, SodaQuery  # noqa: E402
from astropy import units as u  # noqa: E402
from astropy.io import fits  # noqa: E402
from astropy.io.votable import parse  # noqa: E402

vospec, dachs = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/")
sides = {"VoSpec": (vospec + "/tap", vospec + "/ssa", None),
         "DaCHS": (dachs + "/tap", dachs + "/vospecdemo/q/ssa/ssap.xml", dachs + "/vospecdemo/q/sdl/dlmeta")}
first = pyvo.dal.TAPService(sides["VoSpec"][0]).run_sync(
    "SELECT TOP 3 obs_publisher_did, s_ra, s_dec, em_min, em_max FROM ivoa.obscore ORDER BY obs_publisher_did")
cone = "SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %.6f, %.6f, 1)) = 1"
counts = {}
for name, (tap, ssa, _) in sides.items():
    for row in first:
        ra, dec = float(row["s_ra"]), float(row["s_dec"])
        counts.setdefault(name, []).append((
            len(pyvo.dal.TAPService(tap).run_sync(cone % (ra, dec))),
            len(pyvo.dal.SSAService(ssa).search(pos=(ra * u.deg, dec * u.deg), diameter=2 * u.deg))))
print("ivoa.obscore columns in the TAP cone: " + "; ".join(
    "%s %d" % (name, len(pyvo.dal.TAPService(tap).run_sync(cone % (0, 0)).fieldnames)) for name, (tap, _, _) in sides.items()))
print("rows (TAP cone TOP 100 r = 1 deg, SSA SIZE = 2) at three positions: " + "; ".join("%s %s" % (n, c) for n, c in counts.items()))

count = "SELECT COUNT(*) AS n FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %.6f, %.6f, %g)) = 1"
print("spectra within r = 1 and 2 deg of the same positions: " + "; ".join(
    "%s %s" % (name, [tuple(int(pyvo.dal.TAPService(tap).run_sync(count % (float(row["s_ra"]), float(row["s_dec"]), r))[0]["n"])
                      for r in (1, 2)) for row in first]) for name, (tap, _, _) in sides.items()))
half = {}
for name, (_, ssa, _) in sides.items():
    half[name] = [len(pyvo.dal.SSAService(ssa).search(pos=(float(row["s_ra"]) * u.deg, float(row["s_dec"]) * u.deg),
                                                      diameter=1 * u.deg)) for row in first]
print("SSA rows with SIZE = 1 at the same positions: " + "; ".join("%s %s" % kv for kv in half.items()))

# one SODA cutout each: find the spectrum by its position (the two services name their datasets differently)
row = first[0]
lo, hi = float(row["em_min"]), float(row["em_max"])
band = [lo + 0.45 * (hi - lo), lo + 0.55 * (hi - lo)] * u.m
pixels, statuses = {}, {}
for name, (tap, _, dl_url) in sides.items():
    res = pyvo.dal.TAPService(tap).run_sync(
        "SELECT TOP 1 obs_publisher_did FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
        "CIRCLE('ICRS', %.6f, %.6f, 0.0003)) = 1" % (float(row["s_ra"]), float(row["s_dec"])))
    did = str(res[0]["obs_publisher_did"])
    if dl_url is None:
        svc = res.get_adhocservice_by_ivoid("ivo://ivoa.net/std/datalink")
        dl_url = [p.value for p in svc.params if p.name == "accessURL"][0]
        dl_url = dl_url.decode() if isinstance(dl_url, bytes) else dl_url
    proc = DatalinkQuery(dl_url, id=did).execute().get_first_proc()
    soda = SodaQuery.from_resource(proc, proc._get_soda_resource(), band=band)
    body = soda.execute_stream().read()
    # the status of each request shape as wrk sends it (wrk counts a 3xx as an answer and does not follow it)
    tap, ssa, _ = sides[name]
    shapes = [("tap", tap + "/sync", {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": cone % (float(row["s_ra"]), float(row["s_dec"]))}),
              ("links", dl_url, {"ID": did}), ("soda", soda.queryurl, dict(soda)),
              ("ssa", ssa, {"REQUEST": "queryData", "POS": "%.6f,%.6f" % (float(row["s_ra"]), float(row["s_dec"])), "SIZE": "2"})]
    statuses[name] = " ".join("%s %d" % (label, requests.get(url, params=params, allow_redirects=False, timeout=60).status_code)
                              for label, url, params in shapes)
    if body.startswith(b"SIMPLE"):
        table = fits.open(io.BytesIO(body))[1].data
        pixels[name] = "%d pixels, %d columns, FITS, %d bytes" % (len(table), len(table.columns), len(body))
    else:
        table = parse(io.BytesIO(body)).get_first_table().array
        pixels[name] = "%d pixels, %d columns, VOTable, %d bytes" % (len(table), len(table.dtype.names), len(body))
print("SODA cutout of the first spectrum: " + "; ".join("%s %s" % kv for kv in pixels.items()))
print("HTTP status of each request shape, redirects not followed: " + "; ".join("%s %s" % kv for kv in statuses.items()))
