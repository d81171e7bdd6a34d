#!/bin/bash
# A/B of two builds of `vospec` on the ADQL sky geometry: a polygon CONTAINS over every catalogue row and a TAP cone,
# builds alternated A B B A (each started fresh, limits off), wrk -c 4 per URL; prints "build type req/s" lines for
# docs/benchmarks.md.
#
# usage: bench/ab_geometry.sh BUILD_DIR_A BUILD_DIR_B ARCHIVE_DIR [SECONDS]
#   BUILD_DIR_*: `dotnet publish src/VoSpec.Cli -c Release -o DIR` of each commit; ARCHIVE_DIR: an existing archive.
set -u
A=$1; B=$2; ARCHIVE=$3; SECS=${4:-10}
PORT=5098; BASE=http://127.0.0.1:$PORT
POLY="$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=SELECT%20COUNT(*)%20FROM%20ivoa.obscore%20WHERE%201%3DCONTAINS(POINT('ICRS'%2Cs_ra%2Cs_dec)%2CPOLYGON('ICRS'%2C100%2C-30%2C260%2C-30%2C260%2C60%2C100%2C60))"
CONE="$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=SELECT%20TOP%20100%20*%20FROM%20ivoa.obscore%20WHERE%20CONTAINS(POINT('ICRS',s_ra,s_dec),CIRCLE('ICRS',150,20,1))=1"
for build in "$A" "$B" "$B" "$A"; do
  VOSPEC_LIMITS__ENABLED=false "$build/vospec" serve --archive "$ARCHIVE" --urls "$BASE" > /dev/null 2>&1 &
  pid=$!
  for i in $(seq 120); do curl -sf "$BASE/tap/availability" > /dev/null && break; sleep 1; done
  sleep 6   # the warm-up finishes
  for t in "polygon|$POLY" "cone|$CONE"; do
    name=${t%%|*}; url=${t#*|}
    curl -s -o /dev/null "$url"
    echo "$build $name $(wrk -t 1 -c 4 -d "${SECS}s" "$url" | awk '/Requests\/sec/ {print $2}')"
  done
  kill "$pid"; wait "$pid" 2>/dev/null
done
