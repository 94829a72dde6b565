#!/usr/bin/env bash
# failure-cost-ab: the failure cost (a build with its default flags against the same build with
# `--retries 0`) of two or more testfleet binaries on one real pytest suite, in alternating
# builds, so that a noisy machine's slow minutes fall on every binary alike.
#
#   PYPI=NAME==VERSION [ROUNDS=8] bench/failure-cost-ab.sh BIN [BIN…]
#
# The suite is one `bench/real-pytest.sh` prepared with PROJECT=pypi (its sdist under
# .build-bench/src, its venv .build-bench/venv-pypi-NAME): run that once first. Each binary gets
# a store of its own and one first build (default flags); then, ROUNDS times, every binary runs
# a later build with default flags and one with `--retries 0`, each binary in turn. Each build
# prints its wall time, the machine's CPU time over it (/proc/stat: every process, the pytest
# processes included), its per-outcome counts (final attempts) and the tests that passed only on
# a retry. Last, per binary: the medians, default / --retries 0 (target <= 1.15), and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] && [ -n "${PYPI:-}" ] || { echo "usage: PYPI=NAME==VERSION [ROUNDS=8] bench/failure-cost-ab.sh BIN [BIN…]" >&2; exit 2; }
ROUNDS="${ROUNDS:-8}"
. bench/lib.sh  # stored, rescued, pypi_sdist
name=${PYPI%%==*}
venv=.build-bench/venv-pypi-$name
[ -f "$venv/.installed" ] || {
  echo "failure-cost-ab: $PYPI is not prepared: run PROJECT=pypi PYPI=$PYPI bench/real-pytest.sh once first" >&2; exit 2; }
src=$(pypi_sdist "$PYPI" .build-bench/src "$venv/bin/pip"); python=$(cd "$venv/bin" && pwd)/python
for bin in "$@"; do [ -x "$bin" ] || { echo "failure-cost-ab: $bin is not an executable" >&2; exit 2; }; done
work=.build-bench/failure-cost-ab/$name; rm -rf "$work"; mkdir -p "$work"; work=$(cd "$work" && pwd)
hz=$(getconf CLK_TCK)
machine_cpu() { read -r _ user nice system _ _ irq softirq _ < /proc/stat; echo $((user + nice + system + irq + softirq)); }

echo "suite: $PYPI in $src; binaries: $*; 1 first build + $ROUNDS rounds of (default, --retries 0) each; $(uptime)"
index=0
for bin in "$@"; do
  index=$((index + 1)); dir=$work/bin$index; mkdir -p "$dir"
  cat > "$dir/testfleet.toml" <<TOML
[[suite]]
name = "$name"
adapter = "pytest"
dir = "$src"
command = "$python -m pytest -p no:cacheprovider"
timeout_s = 300
TOML
done
results=$work/builds.txt; : > "$results"
for round in $(seq 0 "$ROUNDS"); do
  for flags in default r0; do
    [ "$round" = 0 ] && [ "$flags" = r0 ] && continue
    index=0
    for bin in "$@"; do
      index=$((index + 1)); dir=$work/bin$index; build=b$round$flags
      extra=(); [ "$flags" = r0 ] && extra=(--retries 0)
      cpu0=$(machine_cpu); t0=$(date +%s.%N)
      TESTFLEET_CACHE=$dir/cache "$bin" run --local 2 --suite "$dir/testfleet.toml" --db "$dir/db" --build "$build" \
        --quiet "${extra[@]}" >/dev/null 2>"$dir/err-$build" || true
      t1=$(date +%s.%N); cpu1=$(machine_cpu)
      counts=$(stored "$dir/db" "$build"); retried_into_pass=$(rescued "$dir/db" "$build")
      wall=$(echo "$t1 - $t0" | bc -l); cpu=$(echo "($cpu1 - $cpu0) / $hz" | bc -l)
      printf "bin%d %s round %d %s wall %.3f cpu %.2f %s rescued=%s\n" "$index" "$(basename "$bin")" "$round" "$flags" "$wall" "$cpu" "$counts" "$retried_into_pass" | tee -a "$results"
    done
  done
done
python3 - "$results" "$PYPI" <<'PY'
import json, statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
out = {"bench": "failure-cost-ab", "suite": sys.argv[2], "binaries": []}
for key in sorted({r[0] for r in rows}):
    mine = [r for r in rows if r[0] == key and r[3] != "0"]
    pick = lambda flags, field: statistics.median(float(r[r.index(field) + 1]) for r in mine if r[4] == flags)
    wall_d, wall_r, cpu_d, cpu_r = pick("default", "wall"), pick("r0", "wall"), pick("default", "cpu"), pick("r0", "cpu")
    counts = {" ".join(r[9:-1]) for r in rows if r[0] == key}
    rescued = sum(int(r[-1].split("=")[1]) for r in rows if r[0] == key)
    ratio = wall_d / wall_r
    print(f"{key} {mine[0][1]}: default median {wall_d:.3f} s, --retries 0 median {wall_r:.3f} s: failure cost {ratio:.3f} "
          f"(target <= 1.15: {'met' if ratio <= 1.15 else 'NOT met'}); machine CPU {cpu_d:.2f} / {cpu_r:.2f} s = {cpu_d / cpu_r:.3f}; "
          f"counts {' | '.join(sorted(counts))}; tests passing only on a retry {rescued}")
    out["binaries"].append({"binary": mine[0][1], "wall_default_s": round(wall_d, 3), "wall_retries0_s": round(wall_r, 3),
                            "failure_cost": round(ratio, 3), "cpu_default_s": round(cpu_d, 2), "cpu_retries0_s": round(cpu_r, 2),
                            "counts": sorted(counts), "rescued": rescued})
print(json.dumps(out))
PY
