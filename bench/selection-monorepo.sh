#!/usr/bin/env bash
# bench/selection-monorepo.sh — `bench/run selection-monorepo`: `testfleet select` as a whole
# process on a SYNTHETIC mono-repo of 27,000 modules: 30 libraries, each a src layout
# (libs/libK/src/libK/pkgJ/modI.py: 30 packages of 30 modules), each module ~100 lines importing
# 3 earlier modules of its library and 1 of an earlier library; 30 test files per library
# (libs/libK/tests/test_pkgJ.py) importing 2 modules; pytest.ini lists the 30 src roots. One
# module changes per commit; times are medians of $RUNS runs per change.
# Env: RUNS (default 5), SELECTION_MONOREPO_WORK, TESTFLEET.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${SELECTION_MONOREPO_WORK:-${TMPDIR:-/tmp}/testfleet-selection-monorepo}
runs=${RUNS:-5}
cli=${TESTFLEET:-$repo/.build/release/testfleet}
[ -x "$cli" ] || (cd "$repo" && nice -n 10 swift build -j 1 -c release --product testfleet >&2)

if [ ! -d "$work/mono/.git" ]; then
    rm -rf "$work/mono" && mkdir -p "$work/mono"
    python3 - "$work/mono" <<'PY'
import random, sys
from pathlib import Path
root = Path(sys.argv[1]); rng = random.Random(27)
LIBS, PKGS, MODS = 30, 30, 30
filler = "".join(f"\ndef helper_{i}(value):\n    \"\"\"Filler so files have a realistic size.\"\"\"\n    return value + {i}\n" for i in range(24))
for lib in range(LIBS):
    base = root / f"libs/lib{lib}"
    (base / f"src/lib{lib}").mkdir(parents=True)
    (base / f"src/lib{lib}/__init__.py").write_text("")
    for pkg in range(PKGS):
        d = base / f"src/lib{lib}/pkg{pkg}"; d.mkdir()
        (d / "__init__.py").write_text("")
        for mod in range(MODS):
            imports = []
            for _ in range(3):
                p = rng.randrange(pkg + 1); m = rng.randrange(MODS) if p < pkg else rng.randrange(max(1, mod))
                if (p, m) != (pkg, mod) and not (p == pkg and m >= mod):
                    imports.append(f"from lib{lib}.pkg{p} import mod{m}")
            if lib > 0:
                imports.append(f"from lib{rng.randrange(lib)}.pkg{rng.randrange(PKGS)} import mod{rng.randrange(MODS)}")
            (d / f"mod{mod}.py").write_text("\n".join(imports) + "\nimport os\nimport json\n" + filler)
    (base / "tests").mkdir()
    (base / "tests/conftest.py").write_text("import pytest\n")
    for pkg in range(PKGS):
        a, b = rng.randrange(MODS), rng.randrange(MODS)
        (base / f"tests/test_pkg{pkg}.py").write_text(
            f"from lib{lib}.pkg{pkg} import mod{a}\nfrom lib{lib}.pkg{pkg} import mod{b}\n\ndef test_it():\n    assert mod{a}\n")
(root / "pytest.ini").write_text("[pytest]\npythonpath =\n" + "".join(f"    libs/lib{l}/src\n" for l in range(LIBS)))
PY
    git -C "$work/mono" init -q -b main
    git -C "$work/mono" add -A
    git -C "$work/mono" -c user.email=bench@testfleet -c user.name=bench commit -qm "synthetic mono-repo"
fi
modules=$(git -C "$work/mono" ls-files '*.py' | grep -c '/src/')
lines=$(git -C "$work/mono" ls-files -z '*.py' | (cd "$work/mono" && xargs -0 cat) | wc -l)
echo "date: $(date -u '+%Y-%m-%dT%H:%M:%SZ'), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg); SYNTHETIC mono-repo: $modules modules, $lines lines of Python"
for target in libs/lib29/src/lib29/pkg29/mod29.py libs/lib0/src/lib0/pkg0/mod0.py libs/lib15/src/lib15/pkg3/mod12.py; do
    git -C "$work/mono" checkout -q -B change main
    echo "# changed" >> "$work/mono/$target"
    git -C "$work/mono" -c user.email=bench@testfleet -c user.name=bench commit -qam "change $target"
    python3 - "$cli" "$work/mono" "$runs" "$target" <<'PY'
import json, resource, statistics, subprocess, sys, time
cli, mono, runs, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
times, cpu = [], []
def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
for _ in range(runs):
    start, start_cpu = time.perf_counter(), children_cpu()
    out = subprocess.run([cli, "select", "--base", "main", "--head", "change", "--root", mono, "--json"],
                         check=True, capture_output=True, text=True).stdout
    times.append(time.perf_counter() - start)
    cpu.append(children_cpu() - start_cpu)  # testfleet and the git processes it ran
report = json.loads(out)
print(f"  {target}: selected {report['counts']['selected']} of {report['counts']['selected'] + report['counts']['skipped']}"
      f" test files{' (run all)' if report['run_all'] else ''}; whole process median {statistics.median(times):.3f} s"
      f" (min {min(times):.3f}, max {max(times):.3f}); CPU (all threads, git included) median {statistics.median(cpu):.3f} s")
print(json.dumps({"bench": "selection-monorepo", "synthetic": True, "change": target, "selected": report["counts"]["selected"],
                  "run_all": report["run_all"], "median_s": round(statistics.median(times), 3),
                  "cpu_median_s": round(statistics.median(cpu), 3), "load_average": __import__("os").getloadavg()[0]}))
PY
    git -C "$work/mono" checkout -q main
done
