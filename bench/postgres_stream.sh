#!/bin/bash
# Issue 12, the whole-row stream on PostgreSQL, A/B in one run: for each build directory given (A, then B), a load of
# N catalogue-only rows into its own database of one private PostgreSQL 15 cluster (as bench/postgres.sh makes it),
# then the server on it and `VoSpec.Bench tap-stream` (SELECT * FROM ivoa.obscore as BINARY2, the server's peak memory
# sampled) ROUNDS times. Builds alternate per round of streams, so the machine's drift falls on both. Each database is
# dropped after its streams; the cluster is stopped by its PID and deleted at the end.
# usage: bench/postgres_stream.sh BUILD_A BUILD_B [ROWS] [ROUNDS]   (each a repository copy after dotnet build -c Release
#        of src/VoSpec.Cli and bench/VoSpec.Bench); PG_PORT (default 55497) and HTTP_PORTS (default "5091 5092") move
#        the private cluster and the two servers, so that two runs on one machine do not collide
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2"); ROWS=${3:-1000000}; ROUNDS=${4:-3}
cd "$(dirname "$0")/.."
. bench/pgcluster.sh
mkdir -p /tmp/bench; WORK=$(mktemp -d /tmp/bench/pgstream.XXXX)   # this run's archives and logs
pg_cluster_start "${PG_PORT:-55497}" pgstream
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf "$WORK"; }
trap cleanup EXIT
db() { pg_database "$1"; }
read -r HA HB <<<"${HTTP_PORTS:-5091 5092}"
declare -A CS PORTS=([a]=$HA [b]=$HB) DIRS=([a]=$A [b]=$B)
for side in a b; do
  CS[$side]=$(db "stream_$side")
  echo "== load of $ROWS rows, build ${side^^} (${DIRS[$side]}), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "%e s wall, peak RSS %M KB" dotnet "${DIRS[$side]}/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" catalogue --count "$ROWS" --archive $WORK/$side --database "${CS[$side]}" 2>&1 | grep -E "catalogue-only|where the|wall"
  psql -h "$PG" -p $PORT -U postgres -d "stream_$side" -Atc "SELECT 'database size: ' || pg_size_pretty(pg_database_size('stream_$side')) || ', ' || pg_database_size('stream_$side') / $ROWS || ' bytes a row'"
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
for side in a b; do
  VoSpec__Limits__SyncQuerySeconds=600 dotnet "${DIRS[$side]}/src/VoSpec.Cli/bin/Release/net10.0/vospec.dll" serve --archive $WORK/$side --database "${CS[$side]}" --urls http://127.0.0.1:${PORTS[$side]} >$WORK/$side.log 2>&1 & PIDS+=($!); eval "SPID_$side=$!"
done
for side in a b; do for i in $(seq 1 120); do curl -sf "http://127.0.0.1:${PORTS[$side]}/health/ready" >/dev/null && break; sleep 1; done; done
for round in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    pid=$(eval echo \$SPID_$side)
    echo "== round $round, build ${side^^}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    s0=$(cpu "$pid"); p0=$(pgcpu)
    dotnet "$B/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" tap-stream --url "http://127.0.0.1:${PORTS[$side]}/tap" --pid "$pid" --rows "$ROWS" 2>&1 | tail -4
    echo "   CPU during the stream: server $(echo "$(cpu "$pid") - $s0" | bc) s, PostgreSQL $(echo "$(pgcpu) - $p0" | bc) s"
  done
done
