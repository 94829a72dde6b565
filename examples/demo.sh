#!/usr/bin/env bash
# make demo: a real pytest project (examples/shop) through testfleet on 2 local workers, then a
# 20,000-test SIMULATED build to show dispatch at scale. Results land in .testfleet/demo.db.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/release/testfleet}"
db=.testfleet/demo.db
mkdir -p .testfleet
echo "== 1. a real pytest suite (examples/shop) on 2 local workers"
"$bin" run --local 2 --suite examples/testfleet.toml --db "$db" --json .testfleet/demo-verdict.json --commit demo-1
echo
echo "== 2. a SIMULATED suite of 20,000 no-op tests on 4 local workers (simulated: says nothing about real code)"
"$bin" run --local 4 --suite sim:20000,ms=0,seed=1 --db "$db" --json .testfleet/demo-sim-verdict.json --commit demo-1
echo
echo "verdict JSON: .testfleet/demo-verdict.json and .testfleet/demo-sim-verdict.json"
echo "all results:  $db (SQLite; e.g. sqlite3 $db 'select outcome, count(*) from result group by 1')"
