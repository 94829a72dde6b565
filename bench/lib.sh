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
# How many of a build's tests failed their first attempt and passed a later one (retried into a
# pass: flaky, or order-dependent in the order they ran).
rescued() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("""SELECT count(*) FROM result f WHERE f.build_id = ?1 AND f.attempt = 1
  AND f.outcome IN ('failed', 'error') AND EXISTS (SELECT 1 FROM result p WHERE p.build_id = ?1
  AND p.test = f.test AND p.outcome IN ('passed', 'xfailed', 'skipped'))""", (sys.argv[2],)).fetchone()[0])
PY
}
# The longest first attempt of a build's tests, in seconds.
longest() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT coalesce(max(duration), 0) FROM result WHERE build_id = ? AND attempt = 1", (sys.argv[2],)).fetchone()[0])
PY
}
