#!/bin/bash
# Issue 12, the bulk load on PostgreSQL, A/B in one run: for each build directory given (A, then B, alternating ROUNDS
# times), a load of N catalogue-only rows (`VoSpec.Bench catalogue --database`) into its own new database of one private
# PostgreSQL 15 cluster (bench/pgcluster.sh), with the client's CPU (/usr/bin/time), PostgreSQL's CPU (pgcpu before and
# after), the WAL written, the database's size by relation, and the load average beside each. EXTRA_PG_OPTIONS adds
# server settings (e.g. "-c wal_level=minimal -c max_wal_senders=0", the operator option of docs/postgresql.md).
# usage: bench/postgres_load_ab.sh BUILD_A BUILD_B [ROWS] [ROUNDS] [PORT]   (each a repository copy after
#        dotnet build -c Release bench/VoSpec.Bench)
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2"); ROWS=${3:-1000000}; ROUNDS=${4:-1}; PGPORT_=${5:-55601}
cd "$(dirname "$0")/.."
. bench/pgcluster.sh
pg_cluster_start "$PGPORT_" pgload
trap 'pg_cluster_stop; rm -rf /tmp/pgload-archive-a /tmp/pgload-archive-b' EXIT
psql -h "$PG" -p "$PORT" -U postgres -Atc "SELECT 'PostgreSQL ' || version() || '; wal_level ' || current_setting('wal_level')"
declare -A DIRS=([a]=$A [b]=$B)
for round in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    db="load_${side}_$round"
    cs=$(pg_database "$db")
    echo "== round $round, build ${side^^} (${DIRS[$side]}), $ROWS rows, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    p0=$(pgcpu); w0=$(psql -h "$PG" -p "$PORT" -U postgres -Atc "SELECT pg_current_wal_lsn()")
    /usr/bin/time -f "client: %e s wall, %U s user + %S s system CPU, peak RSS %M KB" \
      dotnet "${DIRS[$side]}/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" catalogue --count "$ROWS" \
      --archive /tmp/pgload-archive-$side --database "$cs" 2>&1 | grep -E "catalogue-only|where the|garbage|client:"
    sleep 3 # the backends' exit: their CPU reaches the postmaster's children's when it reaps them
    p1=$(pgcpu)
    echo "   PostgreSQL CPU $(echo "$p1 - $p0" | bc) s; WAL $(psql -h "$PG" -p "$PORT" -U postgres -Atc "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$w0'))")"
    psql -h "$PG" -p "$PORT" -U postgres -d "$db" -Atc "SELECT 'database ' || pg_size_pretty(pg_database_size('$db')) || ', ' || pg_database_size('$db') / $ROWS || ' bytes a row'"
    psql -h "$PG" -p "$PORT" -U postgres -d "$db" -Atc "SELECT '   ' || c.relname || ' ' || pg_relation_size(c.oid) / $ROWS || ' B/row' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_relation_size(c.oid) > 1000000 ORDER BY pg_relation_size(c.oid) DESC" | paste -sd' '
    echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    # Autovacuum's pass over the new tables (it starts within its naptime, a minute) is the load's too, but counted apart,
    # and finished before the next load starts.
    for i in $(seq 1 180); do
      n=$(psql -h "$PG" -p "$PORT" -U postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
      [ "$n" = 0 ] && [ "$i" -gt 70 ] && break
      sleep 1
    done
    echo "   PostgreSQL CPU after the load (autovacuum, ${i} s): $(echo "$(pgcpu) - $p1" | bc) s"
    psql -h "$PG" -p "$PORT" -U postgres -q -c "DROP DATABASE $db"
  done
done
