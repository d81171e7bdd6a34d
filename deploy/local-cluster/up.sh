#!/usr/bin/env bash
# Brings VoSpec's scale-out topology up on one machine, as an operator would on several (deploy/README.md): a
# PostgreSQL primary and a streaming hot standby (pg_basebackup -R) as two private clusters on free loopback ports, a
# demo archive ingested into the primary with its pixel store in DIR/pixels (the "shared storage"), two stateless
# `vospec serve` nodes on free ports, and nginx in front of them. Debian packages only (postgresql-15,
# postgresql-15-pgsphere, postgresql-15-q3c, nginx) and the built CLI.
#
# usage: deploy/local-cluster/up.sh [--demo N] DIR        (DIR: an empty or missing directory)
#   --demo N (or VOSPEC_DEMO=N)  demo spectra to ingest (default 2000)
#   VOSPEC_CLI="..."  how to run the CLI (default: dotnet src/VoSpec.Cli/bin/Release/net10.0/vospec.dll)
# Every process it starts has its PID in DIR/*.pid (vospec-node-1.pid, vospec-node-2.pid, postgres-primary.pid,
# postgres-standby.pid, nginx.pid); deploy/local-cluster/down.sh DIR stops exactly those. The last line printed is
# the public URL.
set -euo pipefail
DEMO=${VOSPEC_DEMO:-2000}
if [ "${1:-}" = --demo ]; then DEMO=${2:?--demo needs a number}; shift 2; fi
[ $# -eq 1 ] || { echo "usage: $0 [--demo N] DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
CLI=${VOSPEC_CLI:-dotnet $REPO/src/VoSpec.Cli/bin/Release/net10.0/vospec.dll}
for tool in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/pg_basebackup" /usr/sbin/nginx curl; do
  command -v "$tool" >/dev/null || { echo "up.sh: $tool is missing (install postgresql-15, nginx, curl)" >&2; exit 1; }
done
[ ! -e "$DIR/nginx.pid" ] || { echo "up.sh: $DIR already holds a running topology (down.sh $DIR first)" >&2; exit 1; }

# initdb refuses to run as root: then PostgreSQL runs as the postgres user, which must reach its directories.
PG="$DIR/pg"
mkdir -p "$PG"
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$DIR"; chown postgres "$PG"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
P_PRIMARY=$(free_port); P_STANDBY=$(free_port); P_NODE1=$(free_port); P_NODE2=$(free_port); P_NGINX=$(free_port)

pg_start() { # NAME PORT
  as_pg "$PGBIN/pg_ctl" -D "$PG/$1" -l "$PG/$1.log" -w -t 120 \
    -o "-p $2 -k $PG -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  head -1 "$PG/$1/postmaster.pid" > "$DIR/postgres-$1.pid"
}

echo "$(date +%T) primary: initdb, port $P_PRIMARY" >&2
as_pg "$PGBIN/initdb" -D "$PG/primary" -A trust -U postgres --no-sync >/dev/null
cat "$REPO/deploy/postgresql/replication.conf" | as_pg tee -a "$PG/primary/postgresql.conf" >/dev/null
pg_start primary "$P_PRIMARY"
psql() { command psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql -p "$P_PRIMARY" -d postgres -c "CREATE DATABASE vospec"
PGOPTIONS="-c client_min_messages=warning" sh "$REPO/deploy/postgresql/install-pgsphere.sh" -h 127.0.0.1 -p "$P_PRIMARY" -U postgres -d vospec

echo "$(date +%T) standby: pg_basebackup -R, port $P_STANDBY" >&2
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P_PRIMARY" -U postgres -D "$PG/standby" -R -X stream -c fast --no-sync
pg_start standby "$P_STANDBY"
[ "$(psql -p "$P_STANDBY" -d postgres -c 'SELECT pg_is_in_recovery()')" = t ] || { echo "up.sh: the standby is not in recovery" >&2; exit 1; }

# Writes (ingest, UWS jobs) go to the primary; reads prefer the standby and fall back to the primary (docs/scale-out.md).
PRIMARY_DB="Host=127.0.0.1;Port=$P_PRIMARY;Username=postgres;Database=vospec"
NODE_DB="Host=127.0.0.1:$P_STANDBY,127.0.0.1:$P_PRIMARY;Username=postgres;Database=vospec;Target Session Attributes=prefer-standby;Timeout=5;Host Recheck Seconds=2"
echo "$NODE_DB" > "$DIR/database"

echo "$(date +%T) ingest: $DEMO demo spectra into the primary, pixels in $DIR/pixels" >&2
mkdir -p "$DIR/pixels/sources/demo"
$CLI demo --out "$DIR/pixels/sources/demo" --count "$DEMO" >&2
$CLI ingest --archive "$DIR/pixels" --database "$PRIMARY_DB" --collection demo --title "VoSpec demo: generated SDSS-like spectra" "$DIR/pixels/sources/demo" >&2
# The standby has every ingested row before a node reads from it.
LSN=$(psql -p "$P_PRIMARY" -d postgres -c 'SELECT pg_current_wal_lsn()')
for _ in $(seq 600); do
  [ "$(psql -p "$P_STANDBY" -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$LSN'")" = t ] && break; sleep 0.1
done

PUBLIC="http://127.0.0.1:$P_NGINX/"
# One node: deploy/local-cluster/node.sh K PORT starts it (also used to restart a node); its PID in DIR/vospec-node-K.pid.
cat > "$DIR/env" <<ENV
DIR='$DIR'
CLI='$CLI'
NODE_DB='$NODE_DB'
PUBLIC='$PUBLIC'
P_NODE1=$P_NODE1
P_NODE2=$P_NODE2
ENV
"$HERE/node.sh" "$DIR" 1 & N1=$!
"$HERE/node.sh" "$DIR" 2 & N2=$!
wait $N1 && wait $N2 || { echo "up.sh: a node did not start: down.sh $DIR stops the rest" >&2; exit 1; }

echo "$(date +%T) nginx: port $P_NGINX in front of $P_NODE1 and $P_NODE2" >&2
mkdir -p "$DIR/nginx"
sed -e "s|@DIR@|$DIR/nginx|g" -e "s|@PORT@|$P_NGINX|g" -e "s|@NODE1@|127.0.0.1:$P_NODE1|g" -e "s|@NODE2@|127.0.0.1:$P_NODE2|g" \
  -e "s|@PROXY@|$REPO/deploy/nginx-proxy.conf|g" "$HERE/nginx.conf" > "$DIR/nginx/nginx.conf"
/usr/sbin/nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx"
for _ in $(seq 100); do [ -s "$DIR/nginx/nginx.pid" ] && break; sleep 0.1; done
cp "$DIR/nginx/nginx.pid" "$DIR/nginx.pid"
curl -fsS -o /dev/null "${PUBLIC}health/ready" || { echo "up.sh: nginx does not answer at $PUBLIC" >&2; exit 1; }
echo "$PUBLIC" > "$DIR/url"
echo "$PUBLIC"
