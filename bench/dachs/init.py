#!/usr/bin/python3
# Runs DaCHS's own `dachs init` (gavo.user.initdachs) against a database in which deploy/postgresql/install-pgsphere.sh
# has already installed pgSphere as plain SQL objects. Why a wrapper: `dachs init` runs `CREATE EXTENSION pg_sphere`
# whenever pg_available_extensions lists pg_sphere as not installed, and on PostgreSQL >= 15.10 that statement fails
# with Debian's pgSphere 1.1.1 ("commutator operator @> is already the commutator of operator <@"; see the install
# script). This wrapper only tells DaCHS's extension step that pg_sphere is present when its types are; everything
# else (roles, profiles, q3c, DaCHS's system tables) is DaCHS's own code. Used by bench/dachs.sh only.
# usage: GAVOSETTINGS=… bench/dachs/init.py "host=… port=… dbname=… user=postgres"
import sys

from gavo.user import initdachs

_create_extension = initdachs._loadPgExtension


def _load_extension(conn, name):
    if name == "pg_sphere":
        cursor = conn.cursor()
        cursor.execute("SELECT 1 FROM pg_type WHERE typname = 'spoint'")
        if cursor.fetchall():
            return True
    return _create_extension(conn, name)


initdachs._loadPgExtension = _load_extension
sys.argv = ["dachs init", "--dsn", sys.argv[1]]
initdachs.main()
