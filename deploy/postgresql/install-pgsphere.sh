#!/bin/sh
# Installs pgSphere's types, operators and index support into one database, from the SQL script that Debian's
# postgresql-15-pgsphere package ships, with one fix; then Q3C (postgresql-15-q3c) as the extension it is. VoSpec's
# catalogue needs both: pgSphere for ADQL's geometry and the footprints' index, Q3C for the positions' index.
#
# Why not CREATE EXTENSION pg_sphere: on PostgreSQL >= 15.10 it fails with "commutator operator @> is already the
# commutator of operator <@", because two legacy `@` operators on smoc (kept for GAVO DaCHS) declare a COMMUTATOR
# and a NEGATOR that PostgreSQL now refuses. Upstream pgSphere removed those two clauses (postgrespro/pgsphere PR #92);
# this script does the same to a copy of the packaged script and runs it as plain SQL, so nothing under /usr is
# changed and no root access to the database server's files is needed. The objects are then ordinary objects of
# the database (not an extension): pg_dump includes them.
#
# usage: deploy/postgresql/install-pgsphere.sh "psql connection options..." e.g.
#   deploy/postgresql/install-pgsphere.sh -h /run/postgresql -U postgres -d vospec
set -eu
SCRIPT=${PGSPHERE_SQL:-$(ls /usr/share/postgresql/*/extension/pg_sphere--1.2.0.sql 2>/dev/null | tail -1)}
[ -n "$SCRIPT" ] && [ -f "$SCRIPT" ] || { echo "pg_sphere--1.2.0.sql not found: install postgresql-15-pgsphere" >&2; exit 1; }
# Inside the legacy block (from its comment to "-- debugging"), drop the COMMUTATOR and NEGATOR clauses; everywhere,
# drop the psql guard extension scripts start with and point MODULE_PATHNAME at the installed library.
awk '
  /a minimal set of backwards-compatible operators for GAVO DaCHS/ { legacy = 1 }
  /^-- debugging/ { legacy = 0 }
  legacy && /^[ \t]*(COMMUTATOR|NEGATOR)[ \t]*=/ { next }
  /^\\echo/ { next }
  { gsub(/MODULE_PATHNAME/, "$libdir/pg_sphere"); print }
' "$SCRIPT" | psql -v ON_ERROR_STOP=1 -q "$@"
psql -v ON_ERROR_STOP=1 -q -c "CREATE EXTENSION IF NOT EXISTS q3c" "$@"
