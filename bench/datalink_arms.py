# A/B timing of DataLink answers on one server over the real files (issue 15, DESI arms), interleaved and in a rotating
# order (the request right after a {links} answer was seen to pay ~4 ms more, whichever it is): {links} of an SDSS and
# of a DESI spectrum (three more rows: the arms), /datalink/arm of a coadd's fibre and of a spectra-* file's (whose masks
# are tile-compressed), and /datalink/dataset (#this) of the same coadd spectrum. Medians in ms.
# Usage: /usr/bin/python3 bench/datalink_arms.py http://127.0.0.1:PORT/ ROUNDS
import sys, time, statistics, urllib.parse, requests
base, n = sys.argv[1], int(sys.argv[2])
s = requests.Session()
r = s.get(base + 'tap/sync', params={'LANG': 'ADQL', 'RESPONSEFORMAT': 'csv',
          'QUERY': 'SELECT obs_publisher_did, obs_collection, obs_id FROM ivoa.obscore ORDER BY obs_id'})
r.raise_for_status()
rows = [l.split(',') for l in r.text.strip().split('\n')[1:]]
coadd = [d for d, c, o in rows if c == 'desi' and '-e' not in o][0]
exposure = [d for d, c, o in rows if c == 'desi' and '-e' in o][0]
sdss = [d for d, c, o in rows if c == 'sdss'][0]
q = lambda did: urllib.parse.quote(did, safe='')
urls = {
    'links SDSS': base + 'datalink/links?ID=' + q(sdss),
    'links DESI coadd': base + 'datalink/links?ID=' + q(coadd),
    'arm B coadd': base + 'datalink/arm?ARM=B&ID=' + q(coadd),
    'arm B spectra-*': base + 'datalink/arm?ARM=B&ID=' + q(exposure),
    '#this coadd': base + 'datalink/dataset?ID=' + q(coadd),
}
names = list(urls)
times = {k: [] for k in names}
for u in urls.values(): s.get(u).raise_for_status()
for i in range(n):
    for k in names[i % len(names):] + names[:i % len(names)]:
        t0 = time.perf_counter(); r = s.get(urls[k]); _ = r.content; times[k].append(time.perf_counter() - t0)
        assert r.status_code == 200, (k, r.status_code)
for k in names:
    print(f'{k:18s} median {statistics.median(times[k]) * 1000:.2f} ms  ({len(s.get(urls[k]).content)} bytes)')
