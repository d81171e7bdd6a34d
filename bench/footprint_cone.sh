#!/bin/bash
# Issue 12: the cone on ObsCore's footprint (INTERSECTS(s_region, CIRCLE)) against the cone on the position
# (CONTAINS(POINT, CIRCLE)), on both backends in one run. PostgreSQL answers both from the positions' Q3C index, the
# footprint's ranges widened by max(s_fov)/2 read from the s_fov B-tree (docs/postgresql.md); SQLite from its R*Tree,
# widened the same way. Two servers on the 2,000-spectrum demo (SQLite on :5081, PostgreSQL in a private cluster from
# bench/pgcluster.sh on :5082); for each round and backend, wrk (one connection, 3 s) on TOP 100 r = 1 deg around a
# demo spectrum, each query in turn; the median latency it reports. Servers and cluster are stopped by their PIDs.
# usage: bench/footprint_cone.sh [ROUNDS] [PORT]      (after dotnet build -c Release of the solution)
set -euo pipefail
ROUNDS=${1:-3}; PGPORT_=${2:-55615}
cd "$(dirname "$0")/.."
. bench/pgcluster.sh
VOSPEC="dotnet src/VoSpec.Cli/bin/Release/net10.0/vospec.dll"
pg_cluster_start "$PGPORT_" pgfoot
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf /tmp/pgfoot-sqlite /tmp/pgfoot-pg' EXIT
CS=$(pg_database demo)
$VOSPEC serve --archive /tmp/pgfoot-sqlite --demo 2000 --urls http://127.0.0.1:5081 >/dev/null 2>&1 & PIDS+=($!)
$VOSPEC serve --archive /tmp/pgfoot-pg --database "$CS" --demo 2000 --urls http://127.0.0.1:5082 >/dev/null 2>&1 & PIDS+=($!)
for port in 5081 5082; do
  for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
done
sleep 5
# A demo spectrum's position as the centre (the same rows on both backends: the demo is deterministic).
centre=$(curl -s "http://127.0.0.1:5081/tap/sync?LANG=ADQL&FORMAT=csv&QUERY=SELECT%20TOP%201%20s_ra%2C%20s_dec%20FROM%20ivoa.obscore%20ORDER%20BY%20obs_id" | sed -n 2p)
ra=${centre%%,*}; dec=${centre##*,}
enc() { /usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
pos=$(enc "SELECT TOP 100 obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', $ra, $dec, 1)) = 1")
foot=$(enc "SELECT TOP 100 obs_id FROM ivoa.obscore WHERE INTERSECTS(s_region, CIRCLE('ICRS', $ra, $dec, 1)) = 1")
echo "centre $ra $dec; rows: position $(curl -s "http://127.0.0.1:5081/tap/sync?LANG=ADQL&FORMAT=csv&QUERY=$pos" | tail -n +2 | wc -l), footprint $(curl -s "http://127.0.0.1:5082/tap/sync?LANG=ADQL&FORMAT=csv&QUERY=$foot" | tail -n +2 | wc -l)"
median() { wrk -t1 -c1 -d3 --latency "$1" | awk '$1 == "50%" { print $2 }'; }
printf '%-6s %-9s %10s %10s\n' round backend position footprint
for round in $(seq 1 "$ROUNDS"); do
  for side in sqlite:5081 postgres:5082; do
    port=${side##*:}
    base="http://127.0.0.1:$port/tap/sync?LANG=ADQL&REQUEST=doQuery&QUERY="
    printf '%-6s %-9s %10s %10s\n' "$round" "${side%%:*}" "$(median "$base$pos")" "$(median "$base$foot")"
  done
done
