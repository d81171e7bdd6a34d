#!/bin/bash
# A/B of the PostgreSQL backend against the SQLite one, two builds in one run (issue 12's goal: every request type
# within 1.5x of SQLite's median). One private PostgreSQL 15 cluster (bench/postgres.sh's settings), and four servers on
# the 2,000-spectrum demo: SQLite (build B), PostgreSQL with build A, PostgreSQL with build B, and PostgreSQL with
# build B and VoSpec:DatasetCache=true. Each round runs ../shared/conformance/bench.py --client wrk -d 3 -c 8 against
# each server in turn; bench/postgres_ratios.py makes one table per PostgreSQL side against the SQLite one. Servers and
# the cluster are stopped by their PIDs.
# usage: bench/postgres_ab.sh OUT_DIR ROUNDS BUILD_A_DIR [BUILD_B_DIR]   (each dir: a checkout built with
#        dotnet build -c Release src/VoSpec.Cli; B defaults to this checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$1; ROUNDS=$2; A=$(realpath "$3"); B=$(realpath "${4:-.}")
mkdir -p "$OUT"
. bench/pgcluster.sh
pg_cluster_start 55498 pgab
PIDS=()
WORK=$(mktemp -d /tmp/vospec-pgab-archives.XXXX)
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf "$WORK"; }
trap cleanup EXIT
db() { pg_database "$1"; }
serve() { # name build port [database] [extra env]
  local name=$1 build=$2 port=$3 cs=${4:-} extra=${5:-}
  local args=(serve --archive "$WORK/$name" --demo 2000 --urls "http://127.0.0.1:$port")
  [ -n "$cs" ] && args+=(--database "$cs")
  env $extra dotnet "$build/src/VoSpec.Cli/bin/Release/net10.0/vospec.dll" "${args[@]}" >"$OUT/$name.log" 2>&1 & PIDS+=($!)
}
serve sqlite "$B" 5181
serve pg-a "$A" 5182 "$(db demo_a)"
serve pg-b "$B" 5183 "$(db demo_b)"
serve pg-b-cache "$B" 5184 "$(db demo_c)" VoSpec__DatasetCache=true
for port in 5181 5182 5183 5184; do
  for i in $(seq 1 180); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
done
sleep 5
echo "load before: $(uptime)"
for round in $(seq 1 "$ROUNDS"); do
  for side in sqlite:5181 pg-a:5182 pg-b:5183 pg-b-cache:5184; do
    name=${side%%:*}; port=${side##*:}
    echo "== round $round: $name ($(uptime | sed 's/.*load/load/'))"
    /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$port/tap" --ssa "http://127.0.0.1:$port/ssa" \
      --client wrk -d 3 -c 8 --json "$OUT/$name-$round.json" | tail -16
  done
done
echo "load after: $(uptime)"
for side in pg-a pg-b pg-b-cache; do
  echo "== $side against sqlite"
  /usr/bin/python3 bench/postgres_ratios.py "$OUT" "$ROUNDS" sqlite "$side"
done
