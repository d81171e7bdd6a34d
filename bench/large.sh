#!/bin/bash
# A large archive on one box (issue 18): build it, start it three ways, and measure its requests.
#   1. build: `VoSpec.Bench catalogue --count N` (catalogue-only rows uniform on the sky; rate per million printed)
#   2. start: the first start after the build, a plain restart, and a start on a new address (port), each timed from
#      the process start to the first 200 of /spec/available (warm-up and pre-faulting off: what an operator's
#      restart costs before the server answers)
#   3. requests on the last start: bench/large.py (probes, TAP cone TOP 100 r = 0.5 deg and {links} 1 ID with centres
#      and IDs all over the sky; 1 and 8 connections through wrk) and the server's memory after them
# usage: bench/large.sh COUNT ARCHIVE_DIR [PORT] [--no-build]
#   e.g. bench/large.sh 10000000 /tmp/bench/obscore10m 5300
# Build first: dotnet build VoSpec.sln -c Release; dotnet publish src/VoSpec.Cli -c Release -o /tmp/bench/vospec-cli
set -e
N=$1; ARCHIVE=$2; PORT=${3:-5300}; BUILD=${4:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=${VOSPEC_CLI:-/tmp/bench/vospec-cli/vospec}
[ -x "$CLI" ] || dotnet publish "$ROOT/src/VoSpec.Cli" -c Release -o "$(dirname "$CLI")" > /dev/null
if [ "$BUILD" != "--no-build" ]; then
  /usr/bin/time -f "build: %e s wall, peak RSS %M KB" dotnet "$ROOT/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" catalogue --count "$N" --archive "$ARCHIVE"
fi
du -sb "$ARCHIVE" | awk -v n="$N" '{printf "archive: %.2f GB, %.0f bytes a row\n", $1/1e9, $1/n}'

start() { # PORT LABEL: starts the server, waits for /spec/available, prints the time
  local port=$1 t0 t1
  t0=$(date +%s.%N)
  VOSPEC_LIMITS__ENABLED=false VOSPEC_WARMUP=false VOSPEC_PREFAULT=off "$CLI" serve --archive "$ARCHIVE" --urls "http://127.0.0.1:$port" > "/tmp/bench/large-serve-$port.log" 2>&1 &
  PID=$!
  for i in $(seq 2400); do curl -sf "http://127.0.0.1:$port/spec/available" > /dev/null && break; sleep 0.25; done
  t1=$(date +%s.%N)
  echo "start ($2, port $port): $(python3 -c "print(round($t1 - $t0, 2))") s to the first 200 of /spec/available"
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

start "$PORT" "first after the build"; stop
start "$PORT" "restart, same address"; stop
start $((PORT + 1)) "new address"
/usr/bin/python3 "$ROOT/bench/large.py" "http://127.0.0.1:$((PORT + 1))" -d "${DURATION:-10}" ${LARGE_JSON:+--json "$LARGE_JSON"}
awk '/VmRSS|RssAnon/ {printf "server %s %.0f MB\n", $1, $2/1024}' "/proc/$PID/status"
curl -s "http://127.0.0.1:$((PORT + 1))/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20TOP%201%20access_url%20FROM%20ivoa.obscore" | tail -1
stop
