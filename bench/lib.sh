# Shared by the real-suite benchmarks (sourced): a clock and the stored per-outcome counts.
now() { date +%s.%N; }
# A build's final outcome per test, from the store, as outcome=count pairs.
stored() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("""SELECT outcome, count(*) FROM result r WHERE build_id = ?1 AND attempt =
  (SELECT max(attempt) FROM result WHERE build_id = ?1 AND test = r.test) GROUP BY outcome""", (sys.argv[2],)).fetchall()
print(" ".join(f"{o}={n}" for o, n in sorted(rows)))
PY
}
