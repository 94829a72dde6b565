#!/usr/bin/env bash
# real-pytest: a real third-party pytest suite (networkx, whose wheel ships its tests: ~6,000
# tests) through `testfleet run --local 2`, against `pytest -n 2` (pytest-xdist) in the same run.
# Checks that testfleet's per-outcome counts equal a plain serial pytest run's, then alternates
# testfleet and xdist RUNS times each and prints medians; the JSON line is last.
# The venv lives in .build-bench/venv (VENV=… to reuse another); nothing is installed system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"; WORKERS="${WORKERS:-2}"; PACKAGE="${PACKAGE:-networkx==3.6.1}"
VENV="${VENV:-.build-bench/venv}"
bin="$PWD/.build/release/testfleet"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import networkx, pytest, xdist' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "$PACKAGE" pytest pytest-xdist
fi
py="$(cd "$VENV/bin" && pwd)/python"
pkg=$("$py" -c 'import networkx, os; print(os.path.dirname(networkx.__file__))')
version=$("$py" -c 'import networkx; print(networkx.__version__)')
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/testfleet.toml" <<TOML
[[suite]]
name = "networkx"
adapter = "pytest"
dir = "$pkg"
command = "$py -m pytest -p no:cacheprovider"
timeout_s = 300
TOML
now() { date +%s.%N; }
# pytest's summary line as outcome=count pairs (error → error, errors → error).
summary() { grep -E '(passed|failed|error).* in [0-9.]+s' | tail -1 | sed -E 's/^=+ //; s/ in [0-9.]+s.*//' |
  tr ',' '\n' | awk 'NF==2 { o=$2; if (o=="errors") o="error"; print o"="$1 }' | sort | paste -sd' '; }
stored() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("""SELECT outcome, count(*) FROM result r WHERE build_id = ?1 AND attempt =
  (SELECT max(attempt) FROM result WHERE build_id = ?1 AND test = r.test) GROUP BY outcome""", (sys.argv[2],)).fetchall()
print(" ".join(f"{o}={n}" for o, n in sorted(rows)))
PY
}
echo "suite: networkx $version tests in $pkg; $WORKERS workers; $RUNS runs each"
t0=$(now)
serial=$(cd "$pkg" && "$py" -m pytest -p no:cacheprovider -q 2>&1 | summary || true)
[ -n "$serial" ] || { echo "could not read serial pytest's summary line" >&2; exit 1; }
serial_s=$(echo "$(now) - $t0" | bc -l)
echo "plain serial pytest: $serial in $(printf %.1f "$serial_s") s"
tf=(); xd=(); db="$work/fleet.db"
for i in $(seq "$RUNS"); do
  t0=$(now)
  "$bin" run --local "$WORKERS" --suite "$work/testfleet.toml" --db "$db" --build "run-$i" --retries 0 --quiet \
    --json "$work/v.json" >/dev/null || true
  t1=$(now); tf+=("$(echo "$t1 - $t0" | bc -l)")
  got=$(stored "$db" "run-$i")
  [ "$got" = "$serial" ] || { echo "run $i: testfleet counts '$got' differ from serial pytest '$serial'" >&2; exit 1; }
  t0=$(now)
  xcounts=$(cd "$pkg" && "$py" -m pytest -p no:cacheprovider -q -n "$WORKERS" 2>&1 | summary || true)
  t1=$(now); xd+=("$(echo "$t1 - $t0" | bc -l)")
  echo "run $i: testfleet $(printf %.2f "${tf[-1]}") s ($got); pytest -n $WORKERS $(printf %.2f "${xd[-1]}") s ($xcounts)"
done
python3 - "$version" "$WORKERS" "${tf[*]}" "${xd[*]}" "$serial" "$serial_s" <<'PY'
import json, statistics, sys
version, workers = sys.argv[1], int(sys.argv[2])
tf = [float(x) for x in sys.argv[3].split()]; xd = [float(x) for x in sys.argv[4].split()]
mt, mx = statistics.median(tf), statistics.median(xd)
print(f"testfleet run --local {workers}: median {mt:.2f} s (runs: {', '.join(f'{x:.2f}' for x in tf)})")
print(f"pytest -n {workers} (xdist):      median {mx:.2f} s (runs: {', '.join(f'{x:.2f}' for x in xd)})")
print(f"ratio testfleet / xdist: {mt/mx:.2f} (target <= 1.0: {'met' if mt <= mx else 'NOT met'})")
print(json.dumps({"bench": "real-pytest", "suite": f"networkx {version}", "counts": sys.argv[5], "workers": workers,
                  "serial_pytest_s": round(float(sys.argv[6]), 2), "testfleet_median_s": round(mt, 2),
                  "xdist_median_s": round(mx, 2), "ratio": round(mt / mx, 3), "runs": len(tf), "met": mt <= mx}))
PY
