# Sourced by the PostgreSQL benchmarks (bench/postgres.sh, postgres_ab.sh, postgres_stream.sh, large_postgres.sh): one private
# PostgreSQL 15 cluster for a run, the same everywhere so that their figures compare — initdb as postgres in a new
# temporary directory, Unix socket only (no TCP), fsync on, shared_buffers 1 GB, max_wal_size 8 GB — and databases in
# it with pgSphere and Q3C (deploy/postgresql/install-pgsphere.sh). Stopped by the PID it recorded, never by name.
# pg_cluster_start PORT NAME   sets PG (its directory and socket), PORT and PGPID; EXTRA_PG_OPTIONS adds server settings
#                              (e.g. "-c wal_level=minimal -c max_wal_senders=0", docs/postgresql.md)
# pg_database DB               creates DB with pgSphere and Q3C; prints its Npgsql connection string
# pg_cluster_stop              stops the cluster and deletes its directory
# pgcpu                        CPU seconds of PostgreSQL: the postmaster, its exited children and its live ones
# cpu PID                      CPU seconds (utime + stime) of a process
pg_cluster_start() {
  PORT=$1
  PG=$(mktemp -d "/tmp/vospec-$2.XXXX"); chown postgres "$PG"; chmod 755 "$PG"
  local bin=/usr/lib/postgresql/15/bin
  runuser -u postgres -- $bin/initdb -D "$PG/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- $bin/pg_ctl -D "$PG/data" -o "-k $PG -p $PORT -c listen_addresses='' -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min ${EXTRA_PG_OPTIONS:-}" -l "$PG/log" -w start >/dev/null
  PGPID=$(head -1 "$PG/data/postmaster.pid")
}
pg_database() {
  psql -h "$PG" -p "$PORT" -U postgres -q -c "CREATE DATABASE $1" && sh deploy/postgresql/install-pgsphere.sh -h "$PG" -p "$PORT" -U postgres -d "$1" >/dev/null 2>&1
  echo "Host=$PG;Port=$PORT;Username=postgres;Database=$1"
}
pg_cluster_stop() { kill -INT "$PGPID" 2>/dev/null || true; sleep 3; rm -rf "$PG"; }
pgcpu() { local t; t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$PGPID/stat"); for c in $(cat /proc/$PGPID/task/*/children); do t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done; echo "scale=2; $t / 100" | bc; }
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }
