# Why this file exists: measures whether a proprietary (hidden) id and a missing id take the same time to answer
# NotFoundFault on /datalink/dataset (docs/reliability/security.md). Usage: notfound_timing.py HOST PORT HIDDEN_DID
import http.client, sys, time, urllib.parse, statistics, random
host, port = sys.argv[1], int(sys.argv[2]); did = sys.argv[3]
missing = did.split('?')[0] + '?1234567890123'
c = http.client.HTTPConnection(host, port)
def t(i):
    s = time.perf_counter(); c.request('GET', '/datalink/dataset?ID=' + urllib.parse.quote(i, safe='')); r = c.getresponse(); b = r.read(); return time.perf_counter() - s, r.status
for _ in range(200): t(did); t(missing)
H, M = [], []
for _ in range(2000):
    if random.random() < 0.5: H.append(t(did)); M.append(t(missing))
    else: M.append(t(missing)); H.append(t(did))
for name, xs in (('hidden', H), ('missing', M)):
    v = sorted(x for x, _ in xs); print(f"{name}: status {set(s for _, s in xs)} n={len(v)} p50={v[len(v)//2]*1e6:.0f} us p90={v[int(len(v)*.9)]*1e6:.0f} us mean={statistics.mean(v)*1e6:.0f} us")
