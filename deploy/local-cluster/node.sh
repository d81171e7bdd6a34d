#!/usr/bin/env bash
# Starts VoSpec node K of the topology deploy/local-cluster/up.sh DIR made (also to restart a node after a crash):
# `vospec serve` on the node's loopback port over the shared pixel store DIR/pixels and the database DIR/env names,
# its PID in DIR/vospec-node-K.pid, its log in DIR/vospec-node-K.log. Returns once /health/ready answers 200 (the
# warm-up has run); until then the node answers 503 to everything else, which nginx passes to the other node.
#
# usage: deploy/local-cluster/node.sh DIR K
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 DIR K" >&2; exit 2; }
DIR=$(cd "$1" && pwd)
K=$2
# shellcheck source=/dev/null
. "$DIR/env"
PORT_VAR="P_NODE$K"
PORT=${!PORT_VAR}
VOSPEC_GATEUNTILREADY=true \
  nohup $CLI serve --archive "$DIR/pixels" --database "$NODE_DB" --urls "http://127.0.0.1:$PORT" --public-url "$PUBLIC" \
  >> "$DIR/vospec-node-$K.log" 2>&1 < /dev/null &
echo $! > "$DIR/vospec-node-$K.pid"
for _ in $(seq 1200); do
  kill -0 "$(cat "$DIR/vospec-node-$K.pid")" 2>/dev/null || { echo "node.sh: node $K exited (see $DIR/vospec-node-$K.log)" >&2; tail -20 "$DIR/vospec-node-$K.log" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready")" = 200 ] && exit 0
  sleep 0.25
done
echo "node.sh: node $K not ready after 5 minutes (see $DIR/vospec-node-$K.log)" >&2
exit 1
