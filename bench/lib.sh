# Shared by the real-suite benchmarks (sourced): a clock and the stored per-outcome counts.
now() { date +%s.%N; }
# A build's final outcome per test, from the store, as outcome=count pairs.
stored() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
# Each test's final outcome, by the store's rule (Store.finalOutcomePerTest, the same SQL): its
# last attempt's, or passed when its first attempt failed and a later one passed (retries go out
# together, so the attempt numbered last need not be the one that ended the test).
rows = c.execute("""SELECT CASE WHEN first_failed AND passes > 0 THEN 'passed' ELSE last END AS final, count(*)
  FROM (SELECT max(attempt), outcome AS last, sum(outcome = 'passed') AS passes,
               sum(attempt = 1 AND outcome IN ('failed', 'error')) > 0 AS first_failed
        FROM result WHERE build_id = ?1 GROUP BY test)
  GROUP BY final""", (sys.argv[2],)).fetchall()
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
# A PyPI project's sdist (NAME==VERSION) unpacked under SRC, downloaded with PIP when missing;
# prints its directory. The sdist's file and folder names are normalised differently from
# project to project: the tarball is matched loosely, and the folder is the tarball's own.
pypi_sdist() {  # pypi_sdist NAME==VERSION SRC PIP
  local name=${1%%==*} version=${1#*==} tarball top
  tarball=$(ls "$2"/*.tar.gz 2>/dev/null | grep -iE "/${name//[-_.]/[-_.]}-$version\.tar\.gz$" | head -1 || true)
  if [ -z "$tarball" ]; then
    mkdir -p "$2"; "$3" download -q --no-binary :all: --no-deps -d "$2" "$1" >/dev/null
    tarball=$(ls "$2"/*.tar.gz | grep -iE "/${name//[-_.]/[-_.]}-$version\.tar\.gz$" | head -1)
  fi
  top=$(tar -tzf "$tarball" | sed -n "1s,/.*,,p")
  [ -d "$2/$top" ] || tar -xzf "$tarball" -C "$2"
  echo "$(cd "$2/$top" && pwd)"
}
