#!/usr/bin/env bash
# real-swift: a real Swift package from the local package mirror through `testfleet run --local 2`
# (default flags) against `swift test --parallel --num-workers 2` in the same run, alternating.
#   PROJECT=swift-algorithms       apple/swift-algorithms 1.2.1 (212 XCTest tests; depends on
#                                  swift-numerics)
#   PROJECT=swift-argument-parser  apple/swift-argument-parser 1.8.2 (XCTest; its example tests
#                                  run the package's example executables)
# The package is cloned from SwiftPM's repository cache (filled by resolving a throwaway package
# that depends on it) into $SRC and built once (`swift build --build-tests`, not timed). Round 0 is
# a fresh store; rounds 1..RUNS are later runs. Each round: testfleet once, then `swift test
# --parallel` once (both pay SwiftPM's up-to-date check); each later round's ratio is taken against
# its own `swift test` run and the median of those ratios is the figure. Counts must equal a serial
# `swift test --skip-build` run's. BIN=… picks the testfleet binary. The JSON line is last.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"; WORKERS="${WORKERS:-2}"; PROJECT="${PROJECT:-swift-algorithms}"
SRC="${SRC:-.build-bench/src}"; bin="${BIN:-$PWD/.build/release/testfleet}"
case "$PROJECT" in
  swift-algorithms) url=https://github.com/apple/swift-algorithms; version=1.2.1 ;;
  swift-argument-parser) url=https://github.com/apple/swift-argument-parser; version=1.8.2 ;;
  *) echo "PROJECT must be swift-algorithms or swift-argument-parser" >&2; exit 2 ;;
esac
dir="$SRC/$PROJECT-$version"
if [ ! -f "$dir/Package.swift" ]; then
  cache=$(ls -d "$HOME"/.cache/org.swift.swiftpm/repositories/"$PROJECT"-* 2>/dev/null | head -1 || true)
  if [ -z "$cache" ]; then  # fill SwiftPM's cache from the mirror
    seed=$(mktemp -d); mkdir -p "$seed/Sources/Seed"; echo 'let x = 1' > "$seed/Sources/Seed/x.swift"
    cat > "$seed/Package.swift" <<SWIFT
// swift-tools-version:5.9
import PackageDescription
let package = Package(name: "Seed", dependencies: [.package(url: "$url", exact: "$version")],
                      targets: [.target(name: "Seed")])
SWIFT
    (cd "$seed" && swift package resolve >/dev/null); rm -rf "$seed"
    cache=$(ls -d "$HOME"/.cache/org.swift.swiftpm/repositories/"$PROJECT"-* | head -1)
  fi
  mkdir -p "$SRC"; git clone -q "$cache" "$dir"; git -C "$dir" checkout -q "$version"
fi
dir="$(cd "$dir" && pwd)"
(cd "$dir" && swift build --build-tests >/dev/null)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export TESTFLEET_CACHE="$work/cache"
cat > "$work/testfleet.toml" <<TOML
[[suite]]
name = "$PROJECT"
adapter = "swift"
dir = "$dir"
timeout_s = 300
TOML
. bench/lib.sh  # now, stored (the script runs from the repository root)
# XCTest's own summary: "Executed 212 tests, with 0 failures (0 unexpected)" (skips counted apart).
t0=$(now)
line=$(cd "$dir" && swift test --skip-build 2>&1 | grep -E "Executed [0-9]+ tests?, with" | tail -1 || true)
serial_s=$(echo "$(now) - $t0" | bc -l)
expected=$(echo "$line" | python3 -c '
import re, sys
m = re.search(r"Executed (\d+) tests?, with (?:(\d+) tests? skipped and )?(\d+) failures?", sys.stdin.read())
n, skipped, failed = int(m[1]), int(m[2] or 0), int(m[3])
out = {"passed": n - skipped - failed, "failed": failed, "skipped": skipped}
print(" ".join(f"{k}={v}" for k, v in sorted(out.items()) if v))')
echo "suite: $PROJECT $version in $dir; serial swift test --skip-build: $expected in $(printf %.2f "$serial_s") s; $WORKERS workers; $(uptime)"
first=""; later=""; ratios=""; st=()
for i in $(seq 0 "$RUNS"); do
  db="$work/fleet.db"; build="run-$i"
  [ "$i" = 0 ] && rm -rf "$db" "$TESTFLEET_CACHE"
  t0=$(now)
  "$bin" run --local "$WORKERS" --suite "$work/testfleet.toml" --db "$db" --build "$build" --quiet \
    --json "$work/v.json" >/dev/null 2>"$work/stderr-$build" || true
  t=$(echo "$(now) - $t0" | bc -l)
  got=$(stored "$db" "$build")
  [ "$got" = "$expected" ] || { echo "$build: testfleet counts '$got' differ from swift test's '$expected'" >&2
                                tail -5 "$work/stderr-$build" >&2; exit 1; }
  echo "round $i$([ "$i" = 0 ] && echo ' (fresh store)'): testfleet $(printf %.2f "$t") s ($got)"
  t0=$(now)
  (cd "$dir" && swift test --parallel --num-workers "$WORKERS" >/dev/null 2>&1) || true
  x=$(echo "$(now) - $t0" | bc -l); st+=("$x")
  echo "round $i: swift test --parallel --num-workers $WORKERS $(printf %.2f "$x") s"
  if [ "$i" = 0 ]; then first="$t"; else later+="$t "; ratios+="$t/$x "; fi
done
python3 - "$PROJECT $version" "$WORKERS" "${st[*]}" "$expected" "$serial_s" "$first" "$later" "$ratios" <<'PY'
import json, statistics, sys
suite, workers, st, counts, serial_s = sys.argv[1], int(sys.argv[2]), [float(x) for x in sys.argv[3].split()], sys.argv[4], float(sys.argv[5])
first, later = float(sys.argv[6]), [float(x) for x in sys.argv[7].split()]
rr = statistics.median(float(a) / float(b) for a, b in (r.split("/") for r in sys.argv[8].split()))
ms, ml = statistics.median(st), statistics.median(later)
print(f"swift test --parallel median {ms:.2f} s (runs: {', '.join(f'{x:.2f}' for x in st)}); serial --skip-build {serial_s:.2f} s")
print(f"testfleet: first run {first:.2f} s = {first/st[0]:.2f} x its round's swift test --parallel; later runs median {ml:.2f} s = {ml/ms:.2f} x; "
      f"median of the rounds' own ratios {rr:.2f} (goal <= 1.0, fixed-cost target <= 1.2: {'met' if rr <= 1.2 else 'NOT met'}) "
      f"(runs: {', '.join(f'{x:.2f}' for x in later)})")
print(json.dumps({"bench": "real-swift", "suite": suite, "counts": counts, "workers": workers, "serial_skip_build_s": round(serial_s, 2),
                  "swift_test_parallel_median_s": round(ms, 3), "swift_test_runs": [round(x, 2) for x in st], "first_s": round(first, 2),
                  "first_vs_swift_test": round(first / st[0], 3), "later_median_s": round(ml, 3), "median_round_ratio": round(rr, 3),
                  "later_runs": [round(x, 2) for x in later]}))
PY
