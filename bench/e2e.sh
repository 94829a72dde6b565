#!/usr/bin/env bash
# e2e: 100,000 simulated no-op tests (sim:100000,ms=0) on 4 local worker processes, end to end
# into SQLite, against the floor measured in the same run: a raw SQLite insert of as many rows.
# Prints medians of RUNS runs of each; the JSON line is last.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${COUNT:-100000}"; RUNS="${RUNS:-7}"; WORKERS="${WORKERS:-4}"
bin=.build/release/testfleet; benchbin=.build/release/testfleet-bench
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
e2e=(); floor=()
for i in $(seq "$RUNS"); do
  t0=$(now)
  "$bin" run --local "$WORKERS" --suite "sim:$COUNT,ms=0" --db "$work/e2e-$i.db" --json "$work/v.json" --quiet >/dev/null
  t1=$(now)
  e2e+=("$(echo "$t1 - $t0" | bc -l)")
  rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from result').fetchone()[0])" "$work/e2e-$i.db")
  [ "$rows" = "$COUNT" ] || { echo "run $i stored $rows rows, expected $COUNT" >&2; exit 1; }
  floor+=("$("$benchbin" raw-insert "$COUNT" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
done
python3 - "$COUNT" "$WORKERS" "${e2e[*]}" "${floor[*]}" <<'PY'
import json, statistics, sys
count, workers = int(sys.argv[1]), int(sys.argv[2])
e2e = [float(x) for x in sys.argv[3].split()]; floor = [float(x) for x in sys.argv[4].split()]
me, mf = statistics.median(e2e), statistics.median(floor)
print(f"SIMULATED suite sim:{count},ms=0 on {workers} local workers, {len(e2e)} runs each")
print(f"testfleet run end to end (process start to exit, results in SQLite): median {me:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in e2e)})")
print(f"floor, raw SQLite insert of {count} rows:                           median {mf:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in floor)})")
print(f"ratio e2e / floor: {me/mf:.1f}x; target e2e <= 1.0 s: {'met' if me <= 1.0 else 'NOT met'}")
print(json.dumps({"bench": "e2e", "simulated": True, "tests": count, "workers": workers, "e2e_median_s": round(me, 4),
                  "floor_raw_insert_median_s": round(mf, 4), "ratio": round(me / mf, 2), "target_s": 1.0, "met": me <= 1.0}))
PY
