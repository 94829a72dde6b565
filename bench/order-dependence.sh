#!/usr/bin/env bash
# bench/run order-dependence [BUILDS TESTS RUNS]: what the order-dependence check costs
# `testfleet flaky --json` on a SYNTHETIC run-path store whose results all carry places (500
# builds of 2,000 tests by default: ~1 M results and places), against the same store with its
# places deleted (the baseline: the check then costs one query). Prints both medians.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
builds="${1:-500}" tests="${2:-2000}" runs="${3:-5}"
bin=.build/release/testfleet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" flaky --db "$dir/placed.db" >/dev/null  # creates the schema
python3 bench/order_places.py "$dir/placed.db" "$builds" "$tests"
cp "$dir/placed.db" "$dir/base.db"
sqlite3 "$dir/base.db" "DELETE FROM result_place; VACUUM;"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for db in placed base; do
  : > "$dir/$db.times"
  for _ in $(seq "$runs"); do
    start=$(now); "$bin" flaky --json --db "$dir/$db.db" > "$dir/$db.json"; end=$(now)
    printf "%.3f\n" "$(echo "$end - $start" | bc)" >> "$dir/$db.times"
  done
done
placed=$(median < "$dir/placed.times"); base=$(median < "$dir/base.times")
named=$(grep -c depends_on "$dir/placed.json" || true)
echo "flaky --json, median of $runs: with places ${placed}s, without ${base}s; tests named order-dependent: $named"
echo "{\"bench\": \"order-dependence\", \"builds\": $builds, \"tests\": $tests, \"flaky_seconds_placed\": $placed, \"flaky_seconds_base\": $base, \"named\": $named}"
