#!/usr/bin/env bash
# real-pytest: a real third-party pytest suite through `testfleet run --local 2` (default flags:
# retries and confirmation runs on), against plain serial pytest and `pytest -n 2` (pytest-xdist)
# in the same run. PROJECT picks the suite:
#   networkx        networkx 3.6.1 (its wheel ships its tests: ~6,200 tests)
#   more-itertools  more-itertools 11.2.1 sdist (~770 tests with ~21,000 subtests)
#   dateutil        python-dateutil sdist (has genuinely failing tests on this machine)
#   attrs           attrs 26.1.0 sdist (~1,390 tests, hypothesis; one genuinely failing test here)
#   jsonschema      jsonschema 4.23.0 sdist (~7,200 tests, most of a millisecond: the JSON-Schema
#                   test suite it vendors); its own venv (.build-bench/venv-jsonschema), since it
#                   depends on attrs, which the shared venv holds as an editable checkout.
#   astroid         astroid 3.3.8 sdist (~1,700 tests of ~30 ms; its suite depends on running in
#                   collection order). Its own venv (.build-bench/venv-astroid): its brain tests
#                   run or skip by which other packages are installed.
#   black           black 24.10.0 sdist (~380 tests, most of them formatting a sample file: 50 s
#                   serial); its own venv (.build-bench/venv-black) with the click, pathspec and
#                   pytest of its day (pytest < 8.4: its conftest reads config.inicfg, which
#                   later pytest turns into an error under its warnings-as-errors settings).
#   pygments        Pygments 2.21.0 sdist (~5,350 tests; tests/contrast needs a package not
#                   installed: one collection error, so every runner gets
#                   --continue-on-collection-errors). pytest itself imports Pygments, so this
#                   suite gets a venv of its own (.build-bench/venv-pygments).
#   pypi            any other PyPI project whose sdist carries its tests, for suites this project
#                   was not tuned on: PYPI=NAME==VERSION (its sdist is unpacked under $SRC and
#                   installed editable) and PYPI_DEPS="…" (what its tests need, pip syntax).
#                   Its own venv (.build-bench/venv-pypi-NAME).
# MODES lists the values of TESTFLEET_WARM to measure with the same binary (0: a new pytest
# process per grant, 1: warm pytest sessions); default "0 1". A mode may end in `r0` (e.g. "1r0"):
# the same with `--retries 0`, to price failure handling: MODES="1 1r0" on a suite with genuinely
# failing tests (dateutil) prints each round's default/retries-0 ratio (target <= 1.15). Round 0 builds each mode on a fresh
# store; rounds 1..RUNS are later runs on it (history and inventory cache). Each round runs every
# mode once, then `pytest -n 2` once. Every testfleet build's per-outcome counts (final attempts)
# must equal serial pytest's (a suite with collection errors, which stop a plain pytest session,
# is compared with serial and xdist runs given --continue-on-collection-errors: testfleet never
# stops at one). Prints medians and ratios, two floors in serial/2 units (collecting in every
# process, the longest test) and the serial run's CPU over the workers' cores in the same units
# (near or above 1: the tests keep more than one core busy, as rope's process pools do); the JSON
# line is last.
# SERIAL_RUNS (default 1) runs serial pytest that many times before the rounds and takes the
# median as the baseline: on a noisy machine one run can be off by a quarter.
# PYTEST_ARGS (e.g. "--ignore=tests/property" for dateutil, whose hypothesis tests take minutes
# on a loaded machine) go to every pytest run: serial, xdist and testfleet's suite command.
# The venv lives in .build-bench/venv (VENV=… to reuse another); nothing is installed system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"; WORKERS="${WORKERS:-2}"; PROJECT="${PROJECT:-networkx}"; MODES="${MODES:-0 1}"
default_venv=.build-bench/venv
case "$PROJECT" in pygments|jsonschema|astroid|black) default_venv=.build-bench/venv-$PROJECT ;;
  pypi) [[ "${PYPI:-}" == *==* ]] || { echo "PROJECT=pypi needs PYPI=NAME==VERSION" >&2; exit 2; }
        default_venv=.build-bench/venv-pypi-${PYPI%%==*} ;; esac
VENV="${VENV:-$default_venv}"; SRC="${SRC:-.build-bench/src}"
bin="${BIN:-$PWD/.build/release/testfleet}"
need() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import pytest, xdist, $1" 2>/dev/null; }
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
. bench/lib.sh  # now, stored, pypi_sdist (the script runs from the repository root)
# An sdist unpacked under $SRC and installed editable (its tests live beside the package).
sdist() {  # sdist PIP-NAME VERSION -> directory
  local dir; dir=$(ls -d "$SRC/$3"-"$2" 2>/dev/null || true)
  if [ -z "$dir" ]; then
    mkdir -p "$SRC"; "$VENV/bin/pip" download -q --no-binary :all: --no-deps -d "$SRC" "$1==$2" >/dev/null
    tar -xzf "$SRC/$3-$2.tar.gz" -C "$SRC"; dir="$SRC/$3-$2"
  fi
  echo "$(cd "$dir" && pwd)"
}
case "$PROJECT" in
  networkx)
    need networkx || "$VENV/bin/pip" install -q networkx==3.6.1 pytest pytest-xdist
    dir=$("$VENV/bin/python" -c 'import networkx, os; print(os.path.dirname(networkx.__file__))')
    version=$("$VENV/bin/python" -c 'import networkx; print(networkx.__version__)') ;;
  more-itertools)
    dir=$(sdist more-itertools 11.2.1 more_itertools)
    need more_itertools || "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist
    version=11.2.1 ;;
  dateutil)
    dir=$(sdist python-dateutil "${DATEUTIL_VERSION:-4.0.0}" python_dateutil)
    # pytest-cov registers the `no_cover` mark its tests use (and its config makes warnings errors);
    # tests/test_tzfile.py and tests/test_zoneinfo.py import attrs (without it: two collection
    # errors and ~2,900 fewer tests).
    need "dateutil, pytest_cov, attr" || "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist hypothesis freezegun pytest-cov attrs
    version="${DATEUTIL_VERSION:-4.0.0}" ;;
  attrs)
    dir=$(sdist attrs 26.1.0 attrs)
    need attr || "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist hypothesis pympler cloudpickle
    version=26.1.0 ;;
  jsonschema)
    dir=$(sdist jsonschema 4.23.0 jsonschema)
    need jsonschema || "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist
    version=4.23.0 ;;
  astroid)
    dir=$(sdist astroid 3.3.8 astroid)
    need astroid || "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist
    version=3.3.8 ;;
  black)
    dir=$(sdist black 24.10.0 black)
    need black || "$VENV/bin/pip" install -q -e "$dir[d]" "pytest<8.4" pytest-xdist "click<8.2" "pathspec<0.13"
    version=24.10.0 ;;
  pygments)
    dir=$(sdist pygments 2.21.0 pygments)
    "$VENV/bin/python" -c "import pygments, xdist, sys; sys.exit(0 if pygments.__file__.startswith('$dir') else 1)" 2>/dev/null ||
      "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist
    PYTEST_ARGS="${PYTEST_ARGS:---continue-on-collection-errors}"
    version=2.21.0 ;;
  pypi)
    name=${PYPI%%==*}; version=${PYPI#*==}
    dir=$(pypi_sdist "$PYPI" "$SRC" "$VENV/bin/pip")
    [ -f "$VENV/.installed" ] || { "$VENV/bin/pip" install -q -e "$dir" pytest pytest-xdist ${PYPI_DEPS:-} && touch "$VENV/.installed"; }
    PROJECT=$name ;;
  *) echo "PROJECT must be networkx, more-itertools, dateutil, attrs, jsonschema, astroid, black, pygments or pypi" >&2; exit 2 ;;
esac
py="$(cd "$VENV/bin" && pwd)/python"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export TESTFLEET_CACHE="$work/cache"
cat > "$work/testfleet.toml" <<TOML
[[suite]]
name = "$PROJECT"
adapter = "pytest"
dir = "$dir"
command = "$py -m pytest -p no:cacheprovider ${PYTEST_ARGS:-}"
timeout_s = 300
TOML
# pytest's summary line as outcome=count pairs per test (error → error, errors → error; "N
# subtests passed", "N warnings" and "N deselected" left out: a test the suite's own `-m` or
# `-k` in addopts deselects is not a result, in pytest's JUnit XML nor in testfleet). pytest 9 counts a test whose subtests failed as
# passed, and each failed subtest as failed (its SUBFAILED lines in the short summary); testfleet
# records such a test once, as failed, which is what the gate must see: the pairs count it so.
# Each skipped subtest is in the line's "skipped" too, while pytest counts its test as passed, as
# testfleet does (and for one whose subtests xfailed): the pairs leave out the skips the bench
# plugin below counted (the file summary() is given;
# the short summary cannot tell them apart: it labels a group of skips by its first one's kind).
summary() { python3 -c '
import os, re, sys
text = re.sub(r"\x1b\[[0-9;]*m", "", sys.stdin.read())  # a suite whose addopts say --color=yes (traitlets)
lines = [l for l in text.splitlines() if re.search(r"(passed|failed|error).* in [0-9.]+s", l)]
if not lines:
    sys.exit(0)
counts = {}
for part in re.sub(r" in [0-9.]+s.*", "", re.sub(r"^=+ ", "", lines[-1])).split(","):
    words = part.split()
    if len(words) == 2 and not words[1].startswith("warning") and words[1] != "deselected":
        counts["error" if words[1] == "errors" else words[1]] = int(words[0])
subfailed = re.findall(r"^SUBFAILED\(.*\) (\S+)", text, re.M)
failed = set(re.findall(r"^FAILED (\S+)", text, re.M))
if subfailed:
    parents = set(subfailed) - failed
    counts["failed"] = counts.get("failed", 0) - len(subfailed) + len(parents)
    counts["passed"] = counts.get("passed", 0) - len(parents)
if len(sys.argv) > 1 and os.path.exists(sys.argv[1]):
    with open(sys.argv[1]) as skips:
        counts["skipped"] = counts.get("skipped", 0) - len(skips.read().split())
print(" ".join(f"{k}={v}" for k, v in sorted(counts.items()) if v))
' "${1:-}"; }
# A plugin the serial run loads to count the subtests that skipped (see summary()).
cat > "$work/bench_subtest_skips.py" <<'PY'
import os

_PATH = os.environ.pop("BENCH_SUBTEST_SKIPS", None)


def pytest_runtest_logreport(report):
    # pytest 9's SubtestReport, pytest-subtests' SubTestReport.
    # A subtest's xfail is a skipped report too, but the summary line (as the bench runs pytest)
    # does not count it (referencing 0.35.1: 132 of them, and "503 passed, 1 warning, 1 error").
    if _PATH and report.skipped and not hasattr(report, "wasxfail") \
            and type(report).__name__ in ("SubtestReport", "SubTestReport"):
        with open(_PATH, "a") as skips:
            skips.write("x\n")
PY
# The tests a run ran (passed, failed or errored), from summary()'s pairs.
ran() { tr ' ' '\n' | awk -F= '$1 == "passed" || $1 == "failed" || $1 == "error" { n += $2 } END { print n + 0 }'; }
echo "suite: $PROJECT $version tests in $dir; $WORKERS workers; modes TESTFLEET_WARM=$MODES; 1 first + $RUNS later runs each; $(uptime)"
# What no split of the tests can make parallel: pytest's start, the suite's imports and its
# collection (`--collect-only`, timed once). A runner whose processes each start pytest and
# import the suite, as pytest-xdist's do, needs at best F + (S - F)/2 for what a serial run does
# in S; the later-run target (1.15 x S/2) is out of its reach when F is more than ~15% of S.
t0=$(now)
collected=$(cd "$dir" && "$py" -m pytest -p no:cacheprovider ${PYTEST_ARGS:-} -q --collect-only 2>&1 || true)
collect_s=$(echo "$(now) - $t0" | bc -l)
echo "plain pytest --collect-only: $(printf %.2f "$collect_s") s"
# An sdist that does not ship its tests (sortedcontainers 2.4.0, markdown-it-py 3.0.0, rich
# 13.9.4): say so, instead of failing later on a summary line that names no outcome.
if grep -qE '^no tests (collected|ran)' <<<"$collected"; then
  echo "pytest collects no tests in $dir (an sdist without its tests?): nothing to compare" >&2; exit 2
fi
# Plain pytest stops a session at a collection error and runs nothing; testfleet records the
# module as one `error` result and runs every other test, as pytest does with
# --continue-on-collection-errors, which the serial and xdist runs then get (testfleet's suite
# command is left as it was: it needs no such flag).
if grep -qE 'Interrupted: [0-9]+ errors? during collection' <<<"$collected"; then
  echo "pytest stops at this suite's collection errors: serial and xdist pytest get --continue-on-collection-errors (testfleet runs the other tests without it)"
  PYTEST_ARGS="${PYTEST_ARGS:-} --continue-on-collection-errors"
fi
# The serial and xdist runs keep pytest's own verbosity: a suite whose ini adds `-q` to its
# addopts (requests-toolbelt) prints no summary line at all under a second `-q`.
serial_runs=()
# CPU seconds (user + sys) of this shell's reaped children, from the `times` builtin, which must
# run in this shell (a command substitution is a subshell with no children of its own): a suite
# whose tests use more than one core themselves (process pools) cannot reach serial/2.
cpu_of() { tail -1 "$1" | tr 'ms' '  ' | awk '{ print $1 * 60 + $2 + $3 * 60 + $4 }'; }
for _ in $(seq 1 "${SERIAL_RUNS:-1}"); do
  times > "$work/cpu-before"
  t0=$(now)
  rm -f "$work/subtest-skips"
  got=$(cd "$dir" && PYTHONPATH="$work${PYTHONPATH:+:$PYTHONPATH}" BENCH_SUBTEST_SKIPS="$work/subtest-skips" \
        "$py" -m pytest -p no:cacheprovider -p bench_subtest_skips ${PYTEST_ARGS:-} 2>&1 | summary "$work/subtest-skips" || true)
  [ -n "$got" ] || { echo "could not read serial pytest's summary line" >&2; exit 1; }
  [ -z "${serial:-}" ] || [ "$got" = "$serial" ] || { echo "serial pytest runs disagree: '$serial' then '$got'" >&2; exit 1; }
  serial=$got; serial_runs+=("$(echo "$(now) - $t0" | bc -l)"); times > "$work/cpu-after"
  serial_cpu_s=$(echo "$(cpu_of "$work/cpu-after") - $(cpu_of "$work/cpu-before")" | bc -l)
  echo "plain serial pytest: $serial in $(printf %.1f "${serial_runs[-1]}") s"
done
declare -A first later round_t
xd=(); retry_ratios=()
for mode in $MODES; do rm -f "$work/fleet-$mode.db"; first[$mode]=""; later[$mode]=""; done
# Rounds: every mode once per round (so each mode sees the same minutes of a shared machine's
# load), then one `pytest -n 2` run. Round 0 runs on fresh stores.
for i in $(seq 0 "$RUNS"); do
  for mode in $MODES; do
    db="$work/fleet-$mode.db"; build="warm$mode-run-$i"
    # A process of the previous build may still be ending: remove the cache until it is gone.
    if [ "$i" = 0 ]; then for _ in 1 2 3 4 5; do rm -rf "$TESTFLEET_CACHE" 2>/dev/null && break; sleep 1; done; fi
    t0=$(now)
    retries=(); case "$mode" in *r*) retries=(--retries "${mode#*r}") ;; esac
    TESTFLEET_WARM=${mode%%r*} "$bin" run --local "$WORKERS" --suite "$work/testfleet.toml" --db "$db" --build "$build" --quiet \
      "${retries[@]}" --json "$work/v.json" >/dev/null 2>"$work/stderr-$build" || true
    t=$(echo "$(now) - $t0" | bc -l)
    round_t[$mode]="$t"
    if [ "$i" = 0 ]; then first[$mode]="$t"; else later[$mode]+="$t "; fi
    got=$(stored "$db" "$build")
    [ "$got" = "$serial" ] || { echo "TESTFLEET_WARM=$mode $build: testfleet counts '$got' differ from serial pytest '$serial'" >&2
                                tail -5 "$work/stderr-$build" >&2; exit 1; }
    notes=$(grep -c "warm session" "$work/stderr-$build" || true)
    echo "round $i$([ "$i" = 0 ] && echo ' (fresh store)'): TESTFLEET_WARM=$mode testfleet $(printf %.2f "$t") s ($got; passed only on a retry: $(rescued "$db" "$build"); warm-session log lines: $notes)"
  done
  if [ -n "${round_t[1]:-}" ] && [ -n "${round_t[1r0]:-}" ]; then
    retry_ratios+=("$(echo "${round_t[1]} / ${round_t[1r0]}" | bc -l)")
    echo "round $i: default flags / --retries 0 = $(printf %.3f "${retry_ratios[-1]}")"
  fi
  t0=$(now)
  # One hash seed for every xdist worker: suites that parametrise over sets (beautifulsoup4's
  # codecs, arrow's locales) otherwise collect in a different order per worker, and xdist stops
  # at once ("Different tests were collected between gw0 and gw1").
  xcounts=$(cd "$dir" && PYTHONHASHSEED=0 "$py" -m pytest -p no:cacheprovider ${PYTEST_ARGS:-} -n "$WORKERS" 2>&1 | summary || true)
  x=$(echo "$(now) - $t0" | bc -l); xd+=("$x")
  echo "round $i: pytest -n $WORKERS $(printf %.2f "$x") s ($xcounts)"
  # A suite pytest-xdist cannot run (django-ninja 1.3.0: its workers cannot import the Django
  # project its conftest puts on the path, every node goes down and nothing runs) is no yardstick:
  # one whose xdist run ran under nine tenths of the tests serial pytest ran (xdist counts modules
  # skipped whole differently: docutils' 15 skips are 3 there).
  [ $(( $(ran <<<"$xcounts") * 10 )) -ge $(( $(ran <<<"$serial") * 9 )) ] || xdist_differs="'$xcounts' against serial's '$serial'"
done
args=()
for mode in $MODES; do args+=("$mode=${first[$mode]}=${later[$mode]}"); done
# The longest test of the last build (its first attempt): no split of the tests ends sooner.
first_mode=${MODES%% *}; longest_s=$(longest "$work/fleet-$first_mode.db" "warm$first_mode-run-$RUNS")
XDIST_DIFFERS="${xdist_differs:-}" LONGEST_S="$longest_s" SERIAL_CPU_S="$serial_cpu_s" COLLECT_S="$collect_s" RETRY_RATIOS="${retry_ratios[*]}" python3 - "$PROJECT $version" "$WORKERS" "${xd[*]}" "$serial" "${serial_runs[*]}" "${args[@]}" <<'PY'
import json, os, statistics, sys
suite, workers = sys.argv[1], int(sys.argv[2])
xd = [float(x) for x in sys.argv[3].split()]; serial = sys.argv[4]
serial_runs = [float(x) for x in sys.argv[5].split()]; serial_s = statistics.median(serial_runs)
mx = statistics.median(xd); half = serial_s / 2
out = {"bench": "real-pytest", "suite": suite, "counts": serial, "workers": workers, "serial_pytest_s": round(serial_s, 2), "serial_runs": [round(x, 2) for x in serial_runs],
       "xdist_median_s": round(mx, 2), "xdist_runs": [round(x, 2) for x in xd]}
print(f"serial pytest {serial_s:.2f} s (serial/2 = {half:.2f} s); pytest -n {workers} median {mx:.2f} s (runs: {', '.join(f'{x:.2f}' for x in xd)})")
collect = min(float(os.environ["COLLECT_S"]), serial_s)
floor = (collect + (serial_s - collect) / workers) / half
longest = float(os.environ.get("LONGEST_S") or 0)
out.update({"collect_only_s": round(collect, 2), "collect_in_every_process_floor": round(floor, 3),
            "longest_test_s": round(longest, 2), "longest_test_floor": round(longest / half, 3)})
print(f"pytest --collect-only {collect:.2f} s: {workers} processes that each start pytest and collect the suite "
      f"need at best {floor:.2f} x serial/2; the longest test ({longest:.2f} s) alone is {longest / half:.2f} x serial/2")
cpu = float(os.environ.get("SERIAL_CPU_S") or 0)
out.update({"serial_cpu_s": round(cpu, 2), "serial_cpu_over_cores": round(cpu / workers / half, 3)})
# Not a hard floor (a warm session skips some of serial pytest's own work), but a ratio near it
# says the tests themselves keep more than one core busy.
print(f"serial pytest used {cpu:.2f} s of CPU (user + sys, its child processes too): over {workers} cores "
      f"that is {cpu / workers / half:.2f} x serial/2")
xdist_differs = os.environ.get("XDIST_DIFFERS", "")
if xdist_differs:
    print(f"pytest -n {workers} did not run this suite as serial pytest does (counts {xdist_differs}): "
          f"first runs are compared with serial pytest, and the first-run target does not apply")
    out["xdist_counts_differ"] = xdist_differs
for arg in sys.argv[6:]:
    mode, first, later = arg.split("=")
    first = float(first); later = [float(x) for x in later.split()]
    if xdist_differs:
        verdict = f"TESTFLEET_WARM={mode}: first run {first:.2f} s = {first/serial_s:.2f} x serial pytest (pytest -n {workers} ran something else)"
        out[f"warm{mode}"] = {"first_s": round(first, 2), "first_vs_serial": round(first / serial_s, 3)}
    else:
        verdict = f"TESTFLEET_WARM={mode}: first run {first:.2f} s = {first/mx:.2f} x pytest -n {workers} (target <= 1.0: {'met' if first <= mx else 'NOT met'})"
        out[f"warm{mode}"] = {"first_s": round(first, 2), "first_vs_xdist": round(first / mx, 3)}
    if not later:  # RUNS=0: a first run only
        print(verdict); continue
    ml = statistics.median(later)
    print(f"{verdict}; "
          f"later runs median {ml:.2f} s = {ml/half:.2f} x serial/2 (target <= 1.15: {'met' if ml <= 1.15 * half else 'NOT met'}), "
          + ("" if xdist_differs else f"{ml/mx:.2f} x pytest -n {workers} ")
          + f"(runs: {', '.join(f'{x:.2f}' for x in later)})")
    out[f"warm{mode}"].update({"later_median_s": round(ml, 2), "later_vs_half_serial": round(ml / half, 3),
                               "later_runs": [round(x, 2) for x in later]})
    if not xdist_differs:
        out[f"warm{mode}"]["later_vs_xdist"] = round(ml / mx, 3)
rr = [float(x) for x in os.environ.get("RETRY_RATIOS", "").split()]
if rr:
    m = statistics.median(rr)
    print(f"failure cost: default flags / --retries 0, median of {len(rr)} rounds = {m:.3f} (target <= 1.15: {'met' if m <= 1.15 else 'NOT met'})")
    out["default_vs_retries0"] = {"median": round(m, 3), "rounds": [round(x, 3) for x in rr]}
print(json.dumps(out))
PY
