#!/usr/bin/env bash
# Capacity figures for docs/scale-out.md: per-request CPU of a VoSpec node, of the PostgreSQL primary and of the hot
# standby, for each request type, from /proc/PID/stat deltas around a wrk run against one node of a topology that
# deploy/local-cluster/up.sh brought up; then the throughput of one node directly and of both behind nginx.
#
# usage: deploy/local-cluster/up.sh /tmp/so && bench/scale_out.sh /tmp/so [SECONDS] [CONNECTIONS]
# CPU is counted in clock ticks (utime+stime of the node; of the postmaster with its exited children and of every live
# backend for PostgreSQL), so figures below ~20 ms of CPU per run are coarse: run long enough.
set -euo pipefail
DIR=$(cd "$1" && pwd); SECS=${2:-10}; CONN=${3:-4}
# shellcheck source=/dev/null
. "$DIR/env"
NODE="http://127.0.0.1:$P_NODE1/"
NODE_PID=$(cat "$DIR/vospec-node-1.pid")
PRIMARY_PID=$(cat "$DIR/postgres-primary.pid"); STANDBY_PID=$(cat "$DIR/postgres-standby.pid")
TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# A cluster: its postmaster (with the exited children it reaped) and every live child (backends, walsender, startup).
cluster_ticks() {
  local total; total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat")
  for c in $(ps -o pid= --ppid "$1"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
q() { /usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
tap() { curl -fsS "${NODE}tap/sync?LANG=ADQL&FORMAT=csv&QUERY=$(q "$1")" | sed -n 2p | tr -d '\r'; }

DID=$(tap "SELECT TOP 1 obs_publisher_did FROM ivoa.obscore ORDER BY obs_id")
SPECID=$(tap "SELECT TOP 1 specobjid FROM spec.specobj ORDER BY specobjid")
read -r LO HI <<<"$(tap "SELECT TOP 1 em_min, em_max FROM ivoa.obscore ORDER BY obs_id" | tr ',' ' ')"
BAND=$(/usr/bin/python3 -c "import sys; lo, hi = float(sys.argv[1]), float(sys.argv[2]); print(repr(lo + 0.45 * (hi - lo)) + '+' + repr(lo + 0.55 * (hi - lo)))" "$LO" "$HI")

cat > "$WORK/getspec.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "id_list=$SPECID&values=all&format=numpy&align=False&context=default&profile=default"
LUA
cat > "$WORK/async.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "LANG=ADQL&PHASE=RUN&QUERY=$(q "SELECT TOP 5 obs_id FROM ivoa.obscore ORDER BY obs_id")"
LUA

declare -a NAMES=(tap_cone datalink_links soda_cutout ssa_query spec_getspec uws_async_create)
declare -A URLS=(
  [tap_cone]="tap/sync?LANG=ADQL&QUERY=$(q "SELECT TOP 100 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 180, 0, 10)) = 1")"
  [datalink_links]="datalink/links?ID=$(q "$DID")"
  [soda_cutout]="soda/sync?ID=$(q "$DID")&BAND=$BAND"
  [ssa_query]="ssa?REQUEST=queryData&POS=180,0&SIZE=10"
  [spec_getspec]="spec/getSpec"
  [uws_async_create]="tap/async"
)
declare -A SCRIPTS=([spec_getspec]="$WORK/getspec.lua" [uws_async_create]="$WORK/async.lua")

printf "%-18s %9s %9s %9s %11s %11s %9s\n" type requests req/s non-2xx node_ms/req primary_ms standby_ms
for name in "${NAMES[@]}"; do
  url="${NODE}${URLS[$name]}"
  # A job's creation is a write on the primary; one connection, as one client may hold only so many unfinished jobs.
  c=$CONN; [ "$name" = uws_async_create ] && c=1
  args=(-t 1 -c "$c" -d "${SECS}s" --latency); [ -n "${SCRIPTS[$name]:-}" ] && args+=(-s "${SCRIPTS[$name]}")
  wrk -t 1 -c 1 -d 1s ${SCRIPTS[$name]:+-s "${SCRIPTS[$name]}"} "$url" >/dev/null   # warm
  n0=$(ticks "$NODE_PID"); p0=$(cluster_ticks "$PRIMARY_PID"); s0=$(cluster_ticks "$STANDBY_PID")
  out=$(wrk "${args[@]}" "$url")
  n1=$(ticks "$NODE_PID"); p1=$(cluster_ticks "$PRIMARY_PID"); s1=$(cluster_ticks "$STANDBY_PID")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $5}' <<<"$out"); bad=${bad:-0}
  /usr/bin/python3 -c "
import sys
name, reqs, rps, bad, tck, n, p, s = sys.argv[1:]
reqs, tck = int(reqs) - int(bad), int(tck)  # CPU per answered request
ms = lambda t: 1000.0 * int(t) / tck / reqs
print('%-18s %9d %9s %9s %11.3f %11.3f %9.3f' % (name, reqs, rps, bad, ms(n), ms(p), ms(s)))
" "$name" "$reqs" "$rps" "$bad" "$TCK" $((n1 - n0)) $((p1 - p0)) $((s1 - s0))
done

echo
echo "throughput, tap_cone and datalink_links alternating, $CONN and $((2 * CONN)) connections:"
cat > "$WORK/mix.lua" <<LUA
local paths = { "/${URLS[tap_cone]}", "/${URLS[datalink_links]}" }
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[i % 2 + 1]) end
LUA
for target in "one node|$NODE" "nginx, two nodes|$PUBLIC"; do
  for c in "$CONN" $((2 * CONN)); do
    rps=$(wrk -t 2 -c "$c" -d "${SECS}s" -s "$WORK/mix.lua" "${target#*|}" | awk '/Requests\/sec/ {print $2}')
    printf "  %-18s c=%-3s %9s req/s\n" "${target%%|*}" "$c" "$rps"
  done
done
