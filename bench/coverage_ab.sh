#!/bin/bash
# A/B of a bulk load between two builds (issue 17: what keeping each collection's coverage at ingest costs): the same N
# catalogue rows into a fresh archive with build A, then build B, alternating, two rounds.
# usage: bench/coverage_ab.sh A_ROOT B_ROOT [N]   (each root a checkout with bench/VoSpec.Bench built in Release)
#   e.g. git worktree add /work/wt/base cd5ddb5 && (cd /work/wt/base && dotnet build bench/VoSpec.Bench -c Release)
#        bench/coverage_ab.sh /work/wt/base . 1000000
A=$1; B=$2; N=${3:-1000000}
for round in 1 2; do
  for root in "$A" "$B"; do
    dir=/tmp/bench/coverage-ab; rm -rf $dir
    echo "== round $round $root"
    /usr/bin/time -f "%e s wall, peak RSS %M KB" dotnet "$root/bench/VoSpec.Bench/bin/Release/net10.0/VoSpec.Bench.dll" catalogue --count "$N" --archive $dir 2>&1 | tail -3
  done
done
rm -rf /tmp/bench/coverage-ab
