#!/bin/bash
# Issue 12, "memory stays flat": the server's own memory around whole-table BINARY2 streams, A/B on one archive. For
# each build given (A, then B), `vospec serve` on ARCHIVE (its catalogue in PostgreSQL when DATABASE, an Npgsql
# connection string, is given), RssAnon and VmRSS of /proc/PID/status once /health/ready answers (the warm-up done),
# then ROUNDS streams of SELECT * FROM ivoa.obscore (`VoSpec.Bench tap-stream --pid`: rows/s, peak RSS and RssAnon)
# with the server's CPU seconds; the server is stopped by its PID. Run it on archives of different sizes (e.g. 1 M and
# 3 M rows from `VoSpec.Bench catalogue --count N --archive DIR [--database …]`) to see whether memory grows with rows.
# usage: bench/stream_memory.sh BUILD_A BUILD_B ARCHIVE [DATABASE] [ROUNDS]   (builds as for bench/postgres_stream.sh);
#        HTTP_PORT (default 5795) moves the server
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2"); ARCHIVE=$3; DATABASE=${4:-}; ROUNDS=${5:-2}; PORT=${HTTP_PORT:-5795}
cd "$(dirname "$0")/.."
. bench/pgcluster.sh   # for cpu()
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true' EXIT
for side in A B; do
  dir=$A; [ $side = B ] && dir=$B
  args=(serve --archive "$ARCHIVE" --urls "http://127.0.0.1:$PORT"); [ -n "$DATABASE" ] && args+=(--database "$DATABASE")
  VoSpec__Limits__SyncQuerySeconds=600 dotnet "$dir/src/VoSpec.Cli/bin/Release/net10.0/vospec.dll" "${args[@]}" >/dev/null 2>&1 & SPID=$!
  for i in $(seq 1 180); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 1; done
  sleep 1
  echo "== build $side ($dir), after the warm-up: $(grep -E '^(VmRSS|RssAnon)' /proc/$SPID/status | tr -s ' \t' ' ' | tr '\n' ' ')"
  for r in $(seq 1 "$ROUNDS"); do
    c0=$(cpu $SPID)
    dotnet "$B/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" tap-stream --url "http://127.0.0.1:$PORT/tap" --pid $SPID 2>&1 | tail -1
    echo "   stream $r: server CPU $(echo "$(cpu $SPID) - $c0" | bc) s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  kill $SPID; wait $SPID 2>/dev/null || true; SPID=
done
