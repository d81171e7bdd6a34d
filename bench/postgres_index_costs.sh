#!/bin/bash
# Issue 12: what each deferred index of a PostgreSQL bulk load costs. Loads N catalogue-only rows into a private cluster
# (bench/pgcluster.sh) with the given build, then drops and builds again each secondary and spatial index of specobj
# and ivoa_obscore alone, one process (no parallel workers, maintenance_work_mem 512 MB), printing its wall time and
# PostgreSQL's CPU (pgcpu before and after). The cluster is stopped by its PID and deleted at the end.
# usage: bench/postgres_index_costs.sh BUILD [ROWS] [PORT]   (BUILD: a repository copy after dotnet build -c Release bench/VoSpec.Bench)
set -euo pipefail
BUILD=$(realpath "$1"); ROWS=${2:-1000000}; PGPORT_=${3:-55609}
cd "$(dirname "$0")/.."
. bench/pgcluster.sh
pg_cluster_start "$PGPORT_" pgidx
trap 'pg_cluster_stop; rm -rf /tmp/pgidx-archive' EXIT
cs=$(pg_database idx)
dotnet "$BUILD/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" catalogue --count "$ROWS" --archive /tmp/pgidx-archive --database "$cs" | grep catalogue-only
psql -h "$PG" -p "$PORT" -U postgres -d idx -Atc "SELECT indexname || ';' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  AND tablename IN ('specobj', 'ivoa_obscore') AND indexname NOT LIKE '%pkey' AND indexname NOT LIKE '%missing' AND indexname <> 'specobj_fibre_obs_id'" |
while IFS=';' read -r name def; do
  psql -h "$PG" -p "$PORT" -U postgres -d idx -q -c "DROP INDEX $name"
  c0=$(pgcpu); t0=$(date +%s.%N)
  psql -h "$PG" -p "$PORT" -U postgres -d idx -q -c "SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0; $def"
  sleep 0.5 # the session's exit: its CPU reaches the postmaster's children's
  echo "$name: $(echo "$(date +%s.%N) - $t0 - 0.5" | bc) s wall, $(echo "$(pgcpu) - $c0" | bc) s CPU"
done
