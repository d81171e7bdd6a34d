#!/bin/bash
# Issue 12's large-archive figures, PostgreSQL beside SQLite in one run: N catalogue-only rows loaded into a private
# PostgreSQL 15 cluster (made as bench/postgres.sh makes it: Unix socket, fsync on, shared_buffers 1 GB, pgSphere by
# deploy/postgresql/install-pgsphere.sh) and into an embedded SQLite archive, each load timed with its CPU; then both
# served at once and, alternating ROUNDS times: the TAP cone (TOP 100, r = 0.5 deg, bench.py through wrk, 1 and 8
# connections) and a whole `SELECT * FROM ivoa.obscore` BINARY2 stream (`VoSpec.Bench tap-stream`, the server's peak
# memory sampled). Servers and the cluster are stopped by their PIDs; the archives and the cluster are deleted at the end.
# usage: bench/large_postgres.sh [N] [OUT_DIR] [ROUNDS]      (after dotnet build -c Release of the solution)
#   e.g. bench/large_postgres.sh 10000000 /tmp/bench/large-pg 2     (needs ~45 GB of free disk at ten million rows)
#   SIDES=postgres bench/large_postgres.sh …   measures PostgreSQL alone (the SQLite build of 10 M rows takes ~7 minutes)
set -euo pipefail
N=${1:-1000000}; OUT=${2:-/tmp/bench/large-pg}; ROUNDS=${3:-2}; SIDES=${SIDES:-sqlite postgres}
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
. bench/pgcluster.sh
pg_cluster_start 55496 pglarge
PIDS=()
SQLITE=$OUT/sqlite-archive; PGDIR=$OUT/pg-archive
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf "$SQLITE" "$PGDIR"; }
trap cleanup EXIT
CS=$(pg_database large)
BENCH="dotnet bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll"
VOSPEC="dotnet src/VoSpec.Cli/bin/Release/net10.0/vospec.dll"
rm -rf "$SQLITE" "$PGDIR"

echo "== PostgreSQL: load of $N rows, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date +%H:%M:%S)"
p0=$(pgcpu)
/usr/bin/time -f "%e s wall, client CPU %U+%S s, peak RSS %M KB" $BENCH catalogue --count "$N" --archive "$PGDIR" --database "$CS" 2>&1 | tee "$OUT/pg-load.log" | grep -vE "^ +[0-9,]+ rows at" | tail -8
sleep 3 # the loader's backends exit after it: their CPU reaches the postmaster's children's only once reaped
echo "   PostgreSQL CPU during the load: $(echo "$(pgcpu) - $p0" | bc) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
psql -h "$PG" -p $PORT -U postgres -d large -Atc "SELECT 'database size: ' || pg_size_pretty(pg_database_size('large')) || ', ' || pg_database_size('large') / $N || ' bytes a row'"

if [[ " $SIDES " == *" sqlite "* ]]; then
  echo "== SQLite: build of $N rows, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date +%H:%M:%S)"
  /usr/bin/time -f "%e s wall, CPU %U+%S s, peak RSS %M KB" $BENCH catalogue --count "$N" --archive "$SQLITE" 2>&1 | tee "$OUT/sqlite-load.log" | grep -vE "^ +[0-9,]+ rows at" | tail -8
  du -sb "$SQLITE" | awk -v n="$N" '{printf "   archive: %.2f GB, %.0f bytes a row\n", $1/1e9, $1/n}'
fi

# Both served at once; a sync query's time limit raised for the whole-table stream.
[[ " $SIDES " == *" sqlite "* ]] && { VoSpec__Limits__SyncQuerySeconds=1200 VOSPEC_LIMITS__ENABLED=false $VOSPEC serve --archive "$SQLITE" --urls http://127.0.0.1:5093 >"$OUT/sqlite.log" 2>&1 & PIDS+=($!); SPID_sqlite=$!; }
VoSpec__Limits__SyncQuerySeconds=1200 VOSPEC_LIMITS__ENABLED=false $VOSPEC serve --archive "$PGDIR" --database "$CS" --urls http://127.0.0.1:5094 >"$OUT/postgres.log" 2>&1 & PIDS+=($!); SPID_postgres=$!
declare -A PORTS=([sqlite]=5093 [postgres]=5094)
for side in $SIDES; do for i in $(seq 1 600); do curl -sf "http://127.0.0.1:${PORTS[$side]}/health/ready" >/dev/null && break; sleep 1; done; done
for round in $(seq 1 "$ROUNDS"); do
  for side in $SIDES; do
    port=${PORTS[$side]}; pid=$(eval echo \$SPID_$side)
    echo "== round $round, $side, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date +%H:%M:%S)"
    /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$port/tap" --client wrk -d 5 -c 8 --radius 0.5 --only tap_cone --json "$OUT/cone-$side-$round.json" | tail -3
    s0=$(cpu "$pid"); q0=$(pgcpu)
    $BENCH tap-stream --url "http://127.0.0.1:$port/tap" --pid "$pid" --rows "$N" 2>&1 | tail -4
    echo "   CPU during the stream: server $(echo "$(cpu "$pid") - $s0" | bc) s, PostgreSQL $(echo "$(pgcpu) - $q0" | bc) s"
  done
done
