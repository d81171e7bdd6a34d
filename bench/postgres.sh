#!/bin/bash
# Issue 12's benchmarks: the PostgreSQL backend beside the SQLite one on this machine, in one run.
#   1. bench.py --client wrk (../shared/conformance) against two servers on the same 2,000-spectrum demo: one with
#      the SQLite catalogue, one with the catalogue in PostgreSQL; alternating, ROUNDS rounds; JSON per run in OUT.
#   2. with LOAD=N (e.g. 1000000): a catalogue-only load of N rows into PostgreSQL (rate per million, build time).
# A private PostgreSQL 15 cluster is made in a temporary directory (initdb as postgres, Unix socket only, fsync on,
# shared_buffers 1 GB), pgSphere installed by deploy/postgresql/install-pgsphere.sh, and stopped at the end by the
# PID it recorded. Servers are stopped by their PIDs.
# usage: bench/postgres.sh [OUT_DIR] [ROUNDS]      (after dotnet build -c Release of src/VoSpec.Cli and bench/VoSpec.Bench)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/bench/postgres}; ROUNDS=${2:-2}; LOAD=${LOAD:-0}
mkdir -p "$OUT"
. bench/pgcluster.sh
pg_cluster_start 55499 pgbench
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pg_cluster_stop; }
trap cleanup EXIT
db() { pg_database "$1"; }
VOSPEC="dotnet src/VoSpec.Cli/bin/Release/net10.0/vospec.dll"
[ -f src/VoSpec.Cli/bin/Release/net10.0/vospec.dll ] || VOSPEC="dotnet src/VoSpec.Cli/bin/Release/net10.0/VoSpec.Cli.dll"

if [ "$LOAD" -gt 0 ]; then
  CS=$(db load)
  echo "== catalogue-only load of $LOAD rows into PostgreSQL"
  /usr/bin/time -f "%e s wall, peak RSS %M KB" dotnet bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll catalogue --count "$LOAD" --archive /tmp/bench/pgload --database "$CS" 2>&1 | tail -16
  psql -h "$PG" -p $PORT -U postgres -d load -Atc "SELECT 'database size: ' || pg_size_pretty(pg_database_size('load')) || ', ' || pg_database_size('load') / $LOAD || ' bytes a row'"
  # On the loaded catalogue: the TAP cone (TOP 100, r = 0.5 deg) sequential and with 8 clients, then a whole
  # SELECT * stream (BINARY2) with the server's peak resident memory.
  $VOSPEC serve --archive /tmp/bench/pgload --database "$CS" --urls http://127.0.0.1:5083 >"$OUT/load-server.log" 2>&1 & SPID=$!; PIDS+=($SPID)
  for i in $(seq 1 120); do curl -sf http://127.0.0.1:5083/health/ready >/dev/null && break; sleep 1; done
  /usr/bin/python3 ../shared/conformance/bench.py --tap http://127.0.0.1:5083/tap --client wrk -d 5 -c 8 --radius 0.5 --only tap_cone --json "$OUT/load-cone.json" | tail -3
  start=$(date +%s.%N)
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:5083/tap/sync?LANG=ADQL&MAXREC=$LOAD&QUERY=SELECT%20*%20FROM%20ivoa.obscore")
  end=$(date +%s.%N)
  /usr/bin/python3 -c "import sys; t=$end-$start; print(f'SELECT * stream: $LOAD rows, {$bytes/1e6:.0f} MB in {t:.1f} s = {$LOAD/t:,.0f} rows/s')"
  grep VmHWM /proc/$SPID/status | sed 's/^/server peak resident memory: /'
  kill $SPID; wait $SPID 2>/dev/null || true
  rm -rf /tmp/bench/pgload
fi

CS=$(db demo)
rm -rf /tmp/bench/pg-sqlite /tmp/bench/pg-pg
$VOSPEC serve --archive /tmp/bench/pg-sqlite --demo 2000 --urls http://127.0.0.1:5081 >"$OUT/sqlite.log" 2>&1 & PIDS+=($!)
$VOSPEC serve --archive /tmp/bench/pg-pg --database "$CS" --demo 2000 --urls http://127.0.0.1:5082 >"$OUT/postgres.log" 2>&1 & PIDS+=($!)
for port in 5081 5082; do
  for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
done
sleep 5 # warm-up requests of both servers
for round in $(seq 1 "$ROUNDS"); do
  for side in sqlite:5081 postgres:5082; do
    name=${side%%:*}; port=${side##*:}
    echo "== round $round: $name"
    /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$port/tap" --ssa "http://127.0.0.1:$port/ssa" \
      --client wrk -d 3 -c 8 --json "$OUT/$name-$round.json" | tail -16
  done
done
/usr/bin/python3 bench/postgres_ratios.py "$OUT" "$ROUNDS"
