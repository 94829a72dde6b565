#!/usr/bin/env bash
# bench/import-graph.sh — `bench/run import-graph`: testfleet's own Python import graph against
# grimp 3.19 (PyPI) on Django 5.2.19 (PyPI sdist, 885 modules), measured in the same run.
#   1. in-process: testfleet-bench import-graph times PythonSourceTree.graph and, in one Python
#      interpreter, grimp.build_graph(cache_dir=None); medians of $RUNS; compares edge sets.
#   2. end to end: `testfleet graph DIR --json` as a process vs `python -c "build_graph(…)"`
#      as a process (includes each one's start-up), medians of $RUNS.
# Env: RUNS (default 9), IMPORT_GRAPH_WORK (cache dir for the venv and the sources),
#      TESTFLEET_BENCH / TESTFLEET (binaries; default .build/release/…, built when missing).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${IMPORT_GRAPH_WORK:-${TMPDIR:-/tmp}/testfleet-import-graph}
runs=${RUNS:-9}
django=5.2.19
mkdir -p "$work/dl" "$work/src"

[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "grimp==3.19"
if [ ! -d "$work/src/django-$django/django" ]; then
    "$work/venv/bin/pip" download -q --no-deps --no-binary :all: "django==$django" -d "$work/dl"
    tar xzf "$work/dl/django-$django.tar.gz" -C "$work/src"
fi
package="$work/src/django-$django/django"

bench=${TESTFLEET_BENCH:-$repo/.build/release/testfleet-bench}
cli=${TESTFLEET:-$repo/.build/release/testfleet}
if [ ! -x "$bench" ] || [ ! -x "$cli" ]; then
    (cd "$repo" && nice -n 10 swift build -j 1 -c release --product testfleet-bench >&2 \
        && nice -n 10 swift build -j 1 -c release --product testfleet >&2)
fi

echo "date: $(date -u '+%Y-%m-%dT%H:%M:%SZ'), $(nproc) cores, $(python3 --version)"
echo "== end to end (process start included), medians of $runs =="
"$work/venv/bin/python" - "$cli" "$package" "$runs" <<'PY'
import statistics, subprocess, sys, time
cli, package, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
parent, name = package.rsplit("/", 1)
grimp_cmd = [sys.executable, "-c",
             f"import sys; sys.path.insert(0, {parent!r}); import grimp; grimp.build_graph({name!r}, cache_dir=None)"]
def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
# Alternate the two so background load falls on both alike.
pairs = [(timed([cli, "graph", package, "--json"]), timed(grimp_cmd)) for _ in range(runs)]
ours = statistics.median(p[0] for p in pairs)
theirs = statistics.median(p[1] for p in pairs)
print(f"  testfleet graph --json: {ours * 1000:.1f} ms; python + grimp.build_graph: {theirs * 1000:.1f} ms; "
      f"ratio {theirs / ours:.2f}x")
PY
echo "== in process, medians of $runs (last line: JSON) =="
"$bench" import-graph --package "$package" --python "$work/venv/bin/python" --runs "$runs"
