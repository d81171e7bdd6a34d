#!/bin/bash
# The probes' cost against the archive's size (issue 18): starts one build of `vospec` on an archive (warm-up and
# pre-faulting off, limits off), times the start until /spec/available answers, then drives each probe and the
# pages that count spectra with wrk (-c 8, 5 s) and prints "build archive path req/s".
# usage: bench/probes.sh BUILD_DIR ARCHIVE_DIR PORT
#   BUILD_DIR: `dotnet publish src/VoSpec.Cli -c Release -o DIR`; ARCHIVE_DIR: e.g. the demo archive, or
#   `dotnet bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll catalogue --count 1000000 --archive DIR`
#   (its stored public URL is http://127.0.0.1:5000/: use PORT 5000 there, or the first start rewrites every row).
B=$1; ARCHIVE=$2; PORT=$3; BASE=http://127.0.0.1:$PORT
start=$(date +%s.%N)
VOSPEC_LIMITS__ENABLED=false VOSPEC_WARMUP=false VOSPEC_PREFAULT=off "$B/vospec" serve --archive "$ARCHIVE" --urls "$BASE" > "${TMPDIR:-/tmp}/probes-$$.log" 2>&1 &
pid=$!
for i in $(seq 600); do curl -sf "$BASE/spec/available" > /dev/null && break; sleep 0.5; done
ready=$(date +%s.%N)
echo "$B $(basename $ARCHIVE) start_to_available_s $(python3 -c "print(round($ready-$start,1))")"
for path in tap/availability spec/available "" spec/contexts; do
  curl -s -o /dev/null "$BASE/$path"
  echo "$B $(basename $ARCHIVE) /$path $(wrk -t 1 -c 8 -d 5s "$BASE/$path" | awk '/Requests\/sec/ {print $2} /Latency/ {print "lat=" $2}' | tr '\n' ' ')"
done
kill $pid; wait $pid 2>/dev/null
grep -i "statistic\|counted\|rewrit" "${TMPDIR:-/tmp}/probes-$$.log" | head -3
