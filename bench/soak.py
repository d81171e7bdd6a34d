#!/usr/bin/python3
"""Load and soak: many connections on a mixed workload for minutes, the server's memory sampled throughout.

The issue's goal (docs/reliability.md): 256 connections on TAP cone, DataLink {links}, SODA, SSA, /spec getSpec and
preview requests for 10 minutes on a 20,000-spectrum archive — no errors other than deliberate 429/503 answers with
Retry-After, the server's memory flat between minute 2 and the end (its
anonymous resident memory: heap, stacks, buffers), p50/p99/max latency per request type.

How: one wrk process (Debian package wrk, a C event-loop client) per request type, all started together, so the
types run at the same time against the same server and each wrk's own latency histogram is that type's alone. The
connections are split evenly between the types. A Lua script per type cycles through its request list (built here
from the archive's own rows) and counts the answers by HTTP status; wrk counts socket errors and timeouts. The
server's anonymous resident memory (RssAnon from /proc/PID/status; the mapped pixel store's file pages
are not counted, the page cache owns them) is sampled every --sample seconds.

usage: /usr/bin/python3 bench/soak.py http://127.0.0.1:5000 --pid PID [-c 256] [-d 600] [--sample 10] [--json OUT]
"""
import argparse, json, os, re, subprocess, sys, tempfile, time, urllib.parse
import requests

ap = argparse.ArgumentParser()
ap.add_argument("base")
ap.add_argument("--pid", type=int, required=True, help="the server's process id, for its memory")
ap.add_argument("-c", type=int, default=256, help="connections in all, split evenly between the request types")
ap.add_argument("-d", type=int, default=600, help="seconds")
ap.add_argument("--sample", type=int, default=10, help="seconds between memory samples")
ap.add_argument("--rows", type=int, default=500, help="archive rows whose requests are cycled")
ap.add_argument("--json")
a = ap.parse_args()
base = a.base.rstrip("/") + "/"
s = requests.Session()


def tap_csv(q):
    r = s.get(base + "tap/sync", params={"LANG": "ADQL", "RESPONSEFORMAT": "csv", "QUERY": q}, timeout=120)
    r.raise_for_status()
    return [l.split(",") for l in r.text.splitlines()[1:] if l]


# Rows spread over the archive (every k-th by publisher DID), so requests touch the whole store, not one corner.
total = int(tap_csv("SELECT COUNT(*) FROM ivoa.obscore")[0][0])
rows = tap_csv("SELECT obs_publisher_did, em_min, em_max, s_ra, s_dec FROM ivoa.obscore ORDER BY obs_publisher_did")
rows = rows[:: max(1, len(rows) // a.rows)][: a.rows]
spec_ids = [l.split(",")[0] for l in s.get(base + "spec/query", params={
    "id": "", "fields": "specobjid", "catalog": "spec.specobj", "cond": "LIMIT %d" % total,
    "context": "default", "profile": "default"}, timeout=120).text.splitlines()[1:] if l]
spec_ids = spec_ids[:: max(1, len(spec_ids) // a.rows)][: a.rows]

q = lambda v: urllib.parse.quote(v, safe="")
cone = "SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', %s, %s, 1)) = 1"
previews = []
for did, *_ in rows[:50]:
    links = s.get(base + "datalink/links?ID=" + q(did), timeout=60).text
    previews += [urllib.parse.unquote(m).replace("&amp;", "&")[len(base):]
                 for m in re.findall(r"<TD>(http[^<]*)</TD>", links) if "preview" in m][:1]
types = {
    "tap_cone": [("GET", "tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=" + q(cone % (ra, dec)), None)
                 for _, _, _, ra, dec in rows],
    "links_1": [("GET", "datalink/links?ID=" + q(did), None) for did, *_ in rows],
    "soda": [("GET", "soda/sync?ID=%s&BAND=%r+%r" % (q(did), float(lo) + 0.45 * (float(hi) - float(lo)),
                                                      float(lo) + 0.55 * (float(hi) - float(lo))), None)
             for did, lo, hi, _, _ in rows],
    "ssa": [("GET", "ssa?REQUEST=queryData&POS=%s,%s&SIZE=2" % (ra, dec), None) for _, _, _, ra, dec in rows],
    "getspec": [("POST", "spec/getSpec", urllib.parse.urlencode({
        "id_list": i, "values": "all", "format": "numpy", "align": "False", "cutout": "",
        "context": "default", "profile": "default"})) for i in spec_ids],
    "preview": [("GET", p, None) for p in previews],
}
for name, reqs in types.items():     # each kind answers before the clock starts (and previews are rendered once)
    if not reqs:
        sys.exit("no requests for " + name)
    for method, path, body in reqs[:3] if name != "preview" else reqs:
        r = s.request(method, base + path, data=body, timeout=120,
                      headers={"Content-Type": "application/x-www-form-urlencoded"} if body else None)
        if r.status_code != 200:
            sys.exit("%s: %s answered %d: %s" % (name, path[:120], r.status_code, r.text[:300]))

LUA = r"""
local reqs = {%s}
local threads = {}
local i = 0
setup = function(thread) table.insert(threads, thread) end
init = function(args) counts = {} end
request = function()
  i = i + 1
  return reqs[(i - 1) %% #reqs + 1]
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
done = function(summary, latency, requests)
  local byStatus = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do byStatus[tostring(k)] = (byStatus[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(byStatus) do table.insert(parts, string.format('"%%s":%%d', k, v)) end
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%%d,"duration_us":%%d,"p50_us":%%.1f,"p99_us":%%.1f,' ..
    '"max_us":%%.1f,"connect":%%d,"read":%%d,"write":%%d,"timeout":%%d,"status":{%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ",")))
end
"""
lua_str = lambda b: '"' + "".join("\\%d" % c for c in b) + '"'
host = urllib.parse.urlsplit(base).netloc


def wrk_request(method, path, body):
    head = '["Host"]=%s' % lua_str(host.encode())
    if body is None:
        return 'wrk.format("GET", %s, {%s})' % (lua_str(("/" + path).encode()), head)
    return 'wrk.format("POST", %s, {%s, ["Content-Type"]="application/x-www-form-urlencoded"}, %s)' % (
        lua_str(("/" + path).encode()), head, lua_str(body.encode()))


def rss():
    """Anonymous resident memory (the heap, stacks, buffers: what a leak grows) in MB; the mapped pixel store's
    file pages are left out, they come and go with the page cache."""
    for line in open("/proc/%d/status" % a.pid):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) // 1024
    return -1


def rss_total():
    for line in open("/proc/%d/status" % a.pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return -1


per = a.c // len(types)
procs, scripts = {}, []
for k, (name, reqs) in enumerate(types.items()):
    f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    f.write(LUA % ", ".join(wrk_request(*r) for r in reqs))
    f.close()
    scripts.append(f.name)
    conns = per + (1 if k < a.c - per * len(types) else 0)
    procs[name] = (conns, subprocess.Popen(["wrk", "-t1", "-c%d" % conns, "-d%ds" % a.d, "--timeout", "60s",
                                            "-s", f.name, base], stdout=subprocess.PIPE, text=True))
print("soak: %d connections over %s for %d s on %d spectra; server pid %d, anonymous RSS %d MB (all RSS %d MB) at start"
      % (a.c, ", ".join("%s %d" % (n, c) for n, (c, _) in procs.items()), a.d, total, a.pid, rss(), rss_total()),
      flush=True)
t0 = time.time()
samples = []
while any(p.poll() is None for _, p in procs.values()):
    samples.append((round(time.time() - t0), rss()))
    print("  t=%4d s  anonymous RSS %d MB (all RSS %d MB)" % (*samples[-1], rss_total()), flush=True)
    time.sleep(a.sample)
for f in scripts:
    os.unlink(f)

results, failed = {}, 0
print("%-9s %5s %9s %8s %9s %9s %9s  %s" % ("type", "conns", "requests", "req/s", "p50_ms", "p99_ms", "max_ms",
                                            "answers by status; socket errors"))
for name, (conns, p) in procs.items():
    line = [x for x in p.stdout.read().splitlines() if x.startswith("WRKJSON ")]
    if not line:
        sys.exit("wrk gave no result for " + name)
    w = json.loads(line[0][8:])
    sock = w["connect"] + w["read"] + w["write"] + w["timeout"]
    bad = sum(v for k, v in w["status"].items() if not (k.startswith("2") or k in ("429", "503"))) + sock
    failed += bad
    results[name] = dict(connections=conns, requests=w["requests"], req_per_s=round(w["requests"] / (w["duration_us"] / 1e6), 1),
                         p50_ms=round(w["p50_us"] / 1000, 2), p99_ms=round(w["p99_us"] / 1000, 2),
                         max_ms=round(w["max_us"] / 1000, 1), status=w["status"], socket_errors=sock, errors=bad)
    r = results[name]
    print("%-9s %5d %9d %8.1f %9.2f %9.2f %9.1f  %s; %d" % (name, conns, r["requests"], r["req_per_s"], r["p50_ms"],
          r["p99_ms"], r["max_ms"], json.dumps(w["status"], sort_keys=True), sock))

after2 = [m for t, m in samples if t >= 120]
growth = (max(after2) - after2[0]) if after2 else None
print("anonymous memory: start %d MB, at 2 min %s MB, max after 2 min %s MB, end %d MB; growth after minute 2: %s MB"
      % (samples[0][1], after2[0] if after2 else "-", max(after2) if after2 else "-", samples[-1][1],
         growth if growth is not None else "-"))
alive = s.get(base + "tap/availability", timeout=30).status_code
print("errors other than 429/503: %d; server answers availability afterwards: HTTP %d" % (failed, alive))
if a.json:
    with open(a.json, "w") as f:
        json.dump(dict(connections=a.c, seconds=a.d, spectra=total, results=results, rss_mb=samples,
                       errors=failed, alive_status=alive), f, indent=1)
sys.exit(1 if failed or alive != 200 else 0)
