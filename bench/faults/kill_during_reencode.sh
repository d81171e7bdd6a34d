#!/bin/bash
# Why this file exists: the scripted run behind docs/reliability/faults.md "kill -9 during the stored-row re-encoding".
# Needs an archive in $A made by `vospec serve --archive $A --demo 5000` (stopped) and the sqlite3 CLI.
# kill -9 of `vospec serve` while it re-encodes the stored BINARY2 rows at open; then inspect the catalogue.
V=${V:-src/VoSpec.Cli/bin/Release/net10.0/vospec.dll}
A=${A:-/tmp/reenc/a}
for d in 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0 1.2 1.5 2.0; do
  sqlite3 $A/catalogue.sqlite "UPDATE ivoa_obscore SET vospec_binary2 = x'00'; UPDATE archive_meta SET value='stale' WHERE key='row_images:ivoa.obscore';" || exit 1
  dotnet $V serve --archive $A --urls http://127.0.0.1:0 > serve.log 2>&1 &
  pid=$!
  sleep $d
  kill -9 $pid; wait $pid 2>/dev/null
  r=$(sqlite3 $A/catalogue.sqlite "SELECT (SELECT value FROM archive_meta WHERE key='row_images:ivoa.obscore') = 'stale', (SELECT count(*) FROM ivoa_obscore WHERE vospec_binary2 = x'00'), (SELECT count(*) FROM ivoa_obscore); PRAGMA integrity_check;" | tr '\n' ' ')
  echo "kill after ${d}s: stale-tag|zeroed-rows|rows integrity = $r  served=$(grep -c 'VoSpec serving' serve.log)"
done
