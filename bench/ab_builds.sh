#!/bin/bash
# A/B of two builds of `vospec`, one request type at a time, in the order A B B A (so a machine that drifts during the
# run favours neither). Each build is started fresh on the same archive with the limits off, warmed up, and driven
# with wrk (Debian package) for each URL; prints "build type req/s" lines for docs/benchmarks.md.
#
# usage: bench/ab_builds.sh BUILD_DIR_A BUILD_DIR_B ARCHIVE_DIR [SECONDS] [SET] [CONNECTIONS]
#   BUILD_DIR_*: `dotnet publish src/VoSpec.Cli -c Release -o DIR` of each commit; ARCHIVE_DIR: an existing archive.
#   SET: protocols (default: {links}, preview, TAP cone, availability), geometry (a polygon CONTAINS over every
#   catalogue row, and the TAP cone) or house (every request type the archive boundary and the output module serve:
#   {links} of 1 and 50 IDs, a SODA cutout, SSA, a TAP cone, a wide TAP stream, the /spec query, getSpec of one id
#   and of 50 aligned, availability) or benchpy (the team harness ../shared/conformance/bench.py --client wrk, all its
#   scenarios, SECONDS per mode); CONNECTIONS: wrk's -c (default 8). ONLY="soda links1" (environment) keeps only the
#   targets named.
set -u
A=$1; B=$2; ARCHIVE=$3; SECS=${4:-15}; SET=${5:-protocols}; CONNS=${6:-8}
CONE_Q="SELECT%20TOP%20100%20*%20FROM%20ivoa.obscore%20WHERE%20CONTAINS(POINT('ICRS',s_ra,s_dec),CIRCLE('ICRS',150,20,1))=1"
POLY_Q="SELECT%20COUNT(*)%20FROM%20ivoa.obscore%20WHERE%201%3DCONTAINS(POINT('ICRS'%2Cs_ra%2Cs_dec)%2CPOLYGON('ICRS'%2C100%2C-30%2C260%2C-30%2C260%2C60%2C100%2C60))"
PORT=5097; BASE=http://127.0.0.1:$PORT
for build in "$A" "$B" "$B" "$A"; do
  VOSPEC_LIMITS__ENABLED=false "$build/vospec" serve --archive "$ARCHIVE" --urls "$BASE" > /dev/null 2>&1 &
  pid=$!
  for i in $(seq 120); do curl -sf "$BASE/tap/availability" > /dev/null && break; sleep 1; done
  sleep 8   # the warm-up and the pixel store's pre-faulting finish
  if [ -z "${ID:-}" ]; then
    DID=$(curl -s "$BASE/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20TOP%201%20obs_publisher_did%20FROM%20ivoa.obscore" | sed -n 2p | tr -d '\r')
    ID=$(python3 -c "import urllib.parse, sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$DID")
  fi
  if [ "$SET" = house ] && [ -z "${IDS50:-}" ]; then
    IDS50=$(curl -s "$BASE/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20TOP%2050%20obs_publisher_did%20FROM%20ivoa.obscore" | sed 1d | tr -d '\r' \
      | python3 -c "import urllib.parse, sys; print('&'.join('ID=' + urllib.parse.quote(l.strip(), safe='') for l in sys.stdin if l.strip()))")
    SPECIDS=$(curl -s "$BASE/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20TOP%2050%20specobjid%20FROM%20spec.specobj" | sed 1d | tr -d '\r' | paste -sd, -)
    RANGE=$(curl -s "$BASE/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20TOP%201%20em_min,em_max,s_ra,s_dec%20FROM%20ivoa.obscore" | sed -n 2p | tr -d '\r')
    BAND=$(python3 -c "lo, hi = map(float, '$RANGE'.split(',')[:2]); print('%r+%r' % (lo + 0.45 * (hi - lo), lo + 0.55 * (hi - lo)))")
    POS=$(echo "$RANGE" | cut -d, -f3,4)
  fi
  if [ "$SET" = benchpy ]; then
    /usr/bin/python3 "$(dirname "$0")/../../shared/conformance/bench.py" --tap "$BASE/tap" --ssa "$BASE/ssa" -n 200 -c "$CONNS" \
      --client wrk -d "$SECS" | awk -v b="$build" 'NR > 2 && NF == 9 {print b, $1 "/" $2, $8, "median_ms=" $4, "errs=" $9}'
    kill "$pid"; wait "$pid" 2>/dev/null
    continue
  fi
  if [ "$SET" = house ]; then
    SID=${SPECIDS%%,*}
    targets=("links1|$BASE/datalink/links?ID=$ID" "links50|$BASE/datalink/links?$IDS50" "soda|$BASE/soda/sync?ID=$ID&BAND=$BAND"
             "ssa|$BASE/ssa?REQUEST=queryData&POS=$POS&SIZE=1" "cone|$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=$CONE_Q"
             "stream|$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&MAXREC=2000&QUERY=SELECT%20*%20FROM%20ivoa.obscore"
             "specquery|$BASE/spec/query?fields=specobjid,ra,dec,z&cond=z%3E0.1%20LIMIT%20100"
             "getspec1|$BASE/spec/getSpec?id_list=%5B$SID%5D&format=numpy&align=False"
             "getspec50|$BASE/spec/getSpec?id_list=%5B$SPECIDS%5D&format=numpy&align=True"
             "availability|$BASE/tap/availability")
  elif [ "$SET" = geometry ]; then
    targets=("polygon|$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=$POLY_Q" "cone|$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=$CONE_Q")
  else
    targets=("links|$BASE/datalink/links?ID=$ID" "preview|$BASE/datalink/preview?ID=$ID"
             "cone|$BASE/tap/sync?REQUEST=doQuery&LANG=ADQL&QUERY=$CONE_Q" "availability|$BASE/tap/availability")
  fi
  for t in "${targets[@]}"; do
    name=${t%%|*}; url=${t#*|}
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
    curl -s -o /dev/null "$url"
    echo "$build $name $(wrk -t 2 -c "$CONNS" -d "${SECS}s" "$url" | awk '/Requests\/sec/ {print $2}')"
  done
  kill "$pid"; wait "$pid" 2>/dev/null
done
