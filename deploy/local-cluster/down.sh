#!/usr/bin/env bash
# Stops exactly what deploy/local-cluster/up.sh DIR started, by the PIDs it recorded in DIR/*.pid (never by name):
# nginx and the VoSpec nodes with SIGTERM (graceful), then the PostgreSQL standby and primary with SIGINT (a fast
# shutdown). Keeps DIR (logs, data) for a look afterwards; remove it yourself.
#
# usage: deploy/local-cluster/down.sh DIR
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$(cd "$1" && pwd) || exit 1
stop() { # PIDFILE SIGNAL
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "-$2" "$pid"
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "down.sh: $pid ($1) did not stop: SIGKILL" >&2; kill -KILL "$pid"; }
  fi
  rm -f "$1"
}
stop "$DIR/nginx.pid" TERM
for f in "$DIR"/vospec-node-*.pid; do [ -e "$f" ] && stop "$f" TERM; done
stop "$DIR/postgres-standby.pid" INT
stop "$DIR/postgres-primary.pid" INT
exit 0
