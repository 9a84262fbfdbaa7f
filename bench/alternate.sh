#!/usr/bin/env bash
# Times two commands run alternately, N times each (default 30), and prints the
# median, mean and minimum wall time of each. On a machine whose speed drifts
# over minutes, alternating keeps both commands under the same conditions,
# which two hyperfine runs one after the other do not.
#
#   bench/alternate.sh "old/nap build --force --out /tmp/a" "target/release/nap build --force --out /tmp/b"
#   N=40 bench/alternate.sh A B
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 COMMAND_A COMMAND_B" >&2; exit 2; }
command -v python3 >/dev/null || { echo "missing: python3" >&2; exit 2; }
N=${N:-30}
for _ in $(seq "$N"); do
  for side in A B; do
    if [ "$side" = A ]; then cmd=$1; else cmd=$2; fi
    s=$(date +%s%N)
    bash -c "$cmd" >/dev/null 2>&1 || { echo "failed: $cmd" >&2; exit 1; }
    e=$(date +%s%N)
    echo "$side $(( (e - s) / 1000 ))"
  done
done | python3 -c '
import statistics, sys
d = {"A": [], "B": []}
for line in sys.stdin:
    k, v = line.split()
    d[k].append(int(v) / 1000)
for k in "AB":
    print(f"{k}: median {statistics.median(d[k]):.1f} ms, mean {statistics.mean(d[k]):.1f} ms, min {min(d[k]):.1f} ms ({len(d[k])} runs)")
'
