#!/bin/bash
# Issue 12, `{links}` of one ID on PostgreSQL against SQLite: why the default build cannot be within 1.5x. One private
# PostgreSQL 15 cluster (bench/pgcluster.sh, Unix socket), the 2,000-spectrum demo served twice (SQLite on :5085,
# PostgreSQL on :5086), then ROUNDS times, alternating: wrk with one connection on `{links}` of one ID against each
# server, and pgbench (-M prepared, one client, over the same socket) with `SELECT 1` (PostgreSQL's bare round trip)
# and with the dataset lookup `{links}` makes (the statement of PostgresCatalogue's DatasetFinder, written out here).
# The budget the goal leaves PostgreSQL is half the SQLite server's median; the bare round trip is compared with it.
# Servers and the cluster are stopped by their recorded PIDs.
# usage: bench/pg_roundtrip.sh [ROUNDS]     (after dotnet build -c Release of src/VoSpec.Cli)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
. bench/pgcluster.sh
pg_cluster_start 55498 pgrt
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf /tmp/bench/pgrt-sqlite /tmp/bench/pgrt-pg /tmp/bench/pgrt-sql; }
trap cleanup EXIT
CS=$(pg_database demo)
mkdir -p /tmp/bench/pgrt-sql
rm -rf /tmp/bench/pgrt-sqlite /tmp/bench/pgrt-pg
VOSPEC="dotnet src/VoSpec.Cli/bin/Release/net10.0/vospec.dll"
$VOSPEC serve --archive /tmp/bench/pgrt-sqlite --demo 2000 --urls http://127.0.0.1:5085 >/tmp/bench/pgrt-sql/sqlite.log 2>&1 & PIDS+=($!)
$VOSPEC serve --archive /tmp/bench/pgrt-pg --database "$CS" --demo 2000 --urls http://127.0.0.1:5086 >/tmp/bench/pgrt-sql/pg.log 2>&1 & PIDS+=($!)
for port in 5085 5086; do for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done; done
did=$(curl -s "http://127.0.0.1:5085/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20TOP%201%20obs_publisher_did%20FROM%20ivoa.obscore" | tail -1 | tr -d '\r')
id=${did##*\?}
links="datalink/links?ID=$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$did")"
echo "SELECT 1;" >/tmp/bench/pgrt-sql/one.sql
cat >/tmp/bench/pgrt-sql/lookup.sql <<SQL
SELECT st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path, st.source_bytes,
       o.obs_id, o.em_min, o.em_max, o.s_ra, o.s_dec, o.s_fov, o.t_min, o.t_max, o.instrument_name
FROM spectrum_store st JOIN ivoa_obscore o ON o.spec_id = st.spec_id WHERE st.collection = 'demo' AND st.specobjid = $id;
SQL
wrk_median() { wrk -t1 -c1 -d3 --latency "$1" | awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } print v }'; }
pgb() { /usr/lib/postgresql/15/bin/pgbench -h "$PG" -p "$PORT" -U postgres -n -M prepared -c1 -T3 -f "$1" demo 2>&1 | awk '/latency average/ { print $4 }'; }
for i in 1 2; do wrk_median "http://127.0.0.1:5085/$links" >/dev/null; wrk_median "http://127.0.0.1:5086/$links" >/dev/null; done # warm-up
echo "round | load average | SQLite {links} ms | PostgreSQL {links} ms | ratio | budget left to PostgreSQL (0.5 x SQLite) | pgbench SELECT 1 ms | pgbench lookup ms"
for round in $(seq 1 "$ROUNDS"); do
  la=$(cut -d' ' -f1 /proc/loadavg)
  s=$(wrk_median "http://127.0.0.1:5085/$links"); p=$(wrk_median "http://127.0.0.1:5086/$links")
  one=$(pgb /tmp/bench/pgrt-sql/one.sql); look=$(pgb /tmp/bench/pgrt-sql/lookup.sql)
  /usr/bin/python3 -c "import sys; s, p = float(sys.argv[2]), float(sys.argv[3]); print(f'{sys.argv[1]} | {sys.argv[6]} | {s:.3f} | {p:.3f} | {p / s:.2f}x | {s / 2:.3f} | {sys.argv[4]} | {sys.argv[5]}')" "$round" "$s" "$p" "$one" "$look" "$la"
done
