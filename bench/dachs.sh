#!/bin/bash
# Issue 12's anchor: VoSpec's PostgreSQL backend against GAVO DaCHS 2.7 (Debian python3-gavo, the code of
# gavodachs2-server) on the same private PostgreSQL 15 cluster, serving the same 2,000 demo spectra, timed by the same
# ../shared/conformance/bench.py --client wrk in one run (rounds alternate VoSpec, DaCHS).
#   - one cluster (initdb as postgres in a temporary directory, Unix socket only, a free port, the settings of
#     bench/postgres.sh), pgSphere from deploy/postgresql/install-pgsphere.sh in both databases: `dachs` and `vospec`;
#   - DaCHS: its own root directory and config file in the temporary directory (GAVOSETTINGS; nothing under /etc or
#     /var/gavo is read or written, the system's PostgreSQL is not touched), `dachs init` through bench/dachs/init.py
#     (the pgSphere extension step, see there), the files of `vospec demo --count 2000` (the seed `serve --demo` uses)
#     imported by bench/dachs/q.rd (SSA + ivoa.obscore + DataLink/SODA + TAP), served by `dachs serve start
#     --foreground` on a free loopback port;
#   - VoSpec: `vospec serve --database … --demo 2000` on a free loopback port, catalogue in the same cluster;
#   - bench.py on each: TAP cone, {links} 1 ID, SODA cutout, SSA query (and the floor), then bench/dachs_ratios.py.
#     DaCHS's {links} is timed at the RD's own DataLink service (--datalink): the service descriptor of its
#     ivoa.obscore names __system__/obscore/dl, which answers each ID with a 302 to that service; wrk does not
#     follow redirects, so that endpoint alone would time the redirect only (measured separately, printed).
#     DaCHS 2.7 reads SSA's SIZE as a radius (VoSpec, as SSA 1.1 says, as a diameter), so bench.py's SSA query
#     returns DaCHS about 2.5 times VoSpec's rows; DaCHS's SSA is also timed with --radius 0.5 (the same rows).
# Everything started is stopped by its PID at exit and the temporary directory removed.
# usage: bench/dachs.sh [OUT_DIR] [ROUNDS]  (ROUNDS 0: set up, check, stop; after dotnet build -c Release of src/VoSpec.Cli; needs python3-gavo)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/bench/dachs}; ROUNDS=${2:-2}
mkdir -p "$OUT"
command -v dachs >/dev/null || { echo "dachs not found: apt-get install python3-gavo (Debian's DaCHS 2.7)" >&2; exit 1; }
free_port() { /usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
T=$(mktemp -d /tmp/vospec-dachs.XXXX); chown postgres "$T"; chmod 755 "$T"
PORT=$(free_port); DPORT=$(free_port); VPORT=$(free_port)
BIN=/usr/lib/postgresql/15/bin
runuser -u postgres -- $BIN/initdb -D "$T/pg" -A trust -U postgres >/dev/null
runuser -u postgres -- $BIN/pg_ctl -D "$T/pg" -o "-k $T -p $PORT -c listen_addresses='' -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min" -l "$T/pg.log" -w start >/dev/null
PGPID=$(head -1 "$T/pg/postmaster.pid")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  kill -INT "$PGPID" 2>/dev/null || true
  for i in $(seq 1 20); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.5; done
  rm -rf "$T"
}
trap cleanup EXIT
for db in dachs vospec; do
  psql -h "$T" -p "$PORT" -U postgres -q -c "CREATE DATABASE $db"
  sh deploy/postgresql/install-pgsphere.sh -h "$T" -p "$PORT" -U postgres -d "$db" 2>/dev/null
done
VOSPEC="dotnet src/VoSpec.Cli/bin/Release/net10.0/vospec.dll"

echo "== DaCHS: init, import of the 2,000 demo files"
export GAVOSETTINGS=$T/gavo.rc GAVOCUSTOM=$T/no-gavorc
cat >"$GAVOSETTINGS" <<EOF
[general]
rootDir: $T/dachs
group: $(id -gn)
logLevel: warning
[web]
bindAddress: 127.0.0.1
serverPort: $DPORT
serverURL: http://127.0.0.1:$DPORT
user: $(id -un)
[ivoa]
authority: vospec.bench
EOF
/usr/bin/python3 bench/dachs/init.py "host=$T port=$PORT dbname=dachs user=postgres" >"$OUT/dachs-init.log" 2>&1
mkdir -p "$T/dachs/inputs/vospecdemo"
cp bench/dachs/q.rd "$T/dachs/inputs/vospecdemo/q.rd"
$VOSPEC demo --out "$T/dachs/inputs/vospecdemo/data" --count 2000
(cd "$T" && dachs imp //obscore && dachs imp vospecdemo/q) >"$OUT/dachs-import.log" 2>&1
tail -1 "$OUT/dachs-import.log"
(cd "$T" && exec dachs serve start --foreground) >"$OUT/dachs-server.log" 2>&1 & PIDS+=($!)

echo "== VoSpec: the same demo, catalogue in the same cluster"
CS="Host=$T;Port=$PORT;Username=postgres;Database=vospec"
$VOSPEC serve --archive "$T/vospec" --database "$CS" --demo 2000 --urls "http://127.0.0.1:$VPORT" >"$OUT/vospec-server.log" 2>&1 & PIDS+=($!)
for url in "http://127.0.0.1:$VPORT/health/ready" "http://127.0.0.1:$DPORT/tap/availability"; do
  for i in $(seq 1 300); do curl -sf -o /dev/null "$url" && break; sleep 1; done
  curl -sf -o /dev/null "$url" || { echo "not ready: $url" >&2; exit 1; }
done
psql -h "$T" -p "$PORT" -U postgres -d dachs -Atc "SELECT 'DaCHS ivoa.obscore rows: ' || count(*) FROM ivoa.obscore"
psql -h "$T" -p "$PORT" -U postgres -d vospec -Atc "SELECT 'VoSpec ivoa_obscore rows: ' || count(*) FROM ivoa_obscore"
/usr/bin/python3 bench/dachs/same_answers.py "http://127.0.0.1:$VPORT" "http://127.0.0.1:$DPORT" | tee "$OUT/same-answers.txt"
{ echo "dachs: $(cd "$T" && dachs --version)"
  dpkg-query -W -f='${Package} ${Version}\n' python3-gavo postgresql-15 postgresql-15-pgsphere wrk
  psql -h "$T" -p "$PORT" -U postgres -d dachs -Atc "SELECT version()"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$OUT/versions.txt"

SCEN=(--only floor --only tap_cone --only dl_links_1 --only soda_cutout --only ssa_query)
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: vospec"
  /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$VPORT/tap" --ssa "http://127.0.0.1:$VPORT/ssa" \
    --client wrk -d 3 -c 8 "${SCEN[@]}" --json "$OUT/vospec-$round.json" | tail -12
  echo "== round $round: dachs"
  /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$DPORT/tap" --ssa "http://127.0.0.1:$DPORT/vospecdemo/q/ssa/ssap.xml" \
    --datalink "http://127.0.0.1:$DPORT/vospecdemo/q/sdl/dlmeta" \
    --client wrk -d 3 -c 8 "${SCEN[@]}" --json "$OUT/dachs-$round.json" | tail -12
  echo "== round $round: dachs, SSA with --radius 0.5 (SIZE = 1: DaCHS reads SIZE as a radius, so these are VoSpec's rows)"
  /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$DPORT/tap" --ssa "http://127.0.0.1:$DPORT/vospecdemo/q/ssa/ssap.xml" \
    --datalink "http://127.0.0.1:$DPORT/vospecdemo/q/sdl/dlmeta" \
    --client wrk -d 3 -c 8 --radius 0.5 --only ssa_query --json "$OUT/dachs-ssa-half-$round.json" | tail -3
  echo "== round $round: dachs, {links} through the service descriptor of its ivoa.obscore (a 302 to the above; wrk does not follow it)"
  /usr/bin/python3 ../shared/conformance/bench.py --tap "http://127.0.0.1:$DPORT/tap" \
    --client wrk -d 3 -c 8 --only dl_links_1 --json "$OUT/dachs-forward-$round.json" | tail -3
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/versions.txt"
if [ "$ROUNDS" -gt 0 ]; then /usr/bin/python3 bench/dachs_ratios.py "$OUT" "$ROUNDS"; fi
