#!/usr/bin/env bash
# real-go: a real Go module from Debian's golang-*-dev sources through `testfleet run --local 2`
# (default flags) against `go test -count=1 -p 2 ./...` in the same run, alternating.
#   PROJECT=go-cmp  github.com/google/go-cmp (golang-github-google-go-cmp-dev; no dependencies)
#   PROJECT=toml    github.com/BurntSushi/toml (golang-github-burntsushi-toml-dev; no dependencies)
#   PROJECT=uuid    github.com/google/uuid (golang-github-google-uuid-dev; no dependencies)
#   PROJECT=errors  github.com/pkg/errors (golang-github-pkg-errors-dev; no dependencies; Debian
#                   ships it without a go.mod, so the copy gets one naming its import path)
# MODES lists the values of TESTFLEET_WARM to measure with the same binary (0: one `go test` per
# package per grant, 1: warm go, compiled test binaries reused); default "0 1". Round 0 builds each
# mode on a fresh store and an empty worker cache; rounds 1..RUNS are later runs. Each round runs
# every mode once, then `go test -p 2` once; each later round's ratio is taken against its own
# `go test` run, and the median of those ratios is the figure (robust to a load swing). Counts (final attempts) must equal what
# `go test -json ./...` reports for top-level tests. Go's own build cache stays warm throughout
# (both sides use it). Prints medians and ratios; the JSON line is last. BIN=… picks the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"; WORKERS="${WORKERS:-2}"; PROJECT="${PROJECT:-go-cmp}"; MODES="${MODES:-0 1}"
bin="${BIN:-$PWD/.build/release/testfleet}"
case "$PROJECT" in
  go-cmp) pkg=golang-github-google-go-cmp-dev; src=/usr/share/gocode/src/github.com/google/go-cmp ;;
  toml) pkg=golang-github-burntsushi-toml-dev; src=/usr/share/gocode/src/github.com/BurntSushi/toml ;;
  uuid) pkg=golang-github-google-uuid-dev; src=/usr/share/gocode/src/github.com/google/uuid ;;
  errors) pkg=golang-github-pkg-errors-dev; src=/usr/share/gocode/src/github.com/pkg/errors ;;
  *) echo "PROJECT must be go-cmp, toml, uuid or errors" >&2; exit 2 ;;
esac
[ -d "$src" ] || { echo "$src missing: apt-get install $pkg" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dir="$work/module"; cp -r "$src" "$dir"
[ -f "$dir/go.mod" ] || printf 'module %s\n\ngo 1.13\n' "${src#/usr/share/gocode/src/}" > "$dir/go.mod"
export GOPROXY=off GOFLAGS=-mod=mod TESTFLEET_CACHE="$work/cache"
cat > "$work/testfleet.toml" <<TOML
[[suite]]
name = "$PROJECT"
adapter = "go"
dir = "$dir"
timeout_s = 120
TOML
. bench/lib.sh  # now, stored (the script runs from the repository root)
# go's own verdicts on top-level tests (subtests are part of their parent, as testfleet counts).
expected=$(cd "$dir" && go test -json -count=1 ./... 2>/dev/null | python3 -c '
import json, sys, collections
n = collections.Counter()
for line in sys.stdin:
    if not line.startswith("{"): continue
    e = json.loads(line); t = e.get("Test", "")
    if t and "/" not in t and e["Action"] in ("pass", "fail", "skip"):
        n[{"pass": "passed", "fail": "failed", "skip": "skipped"}[e["Action"]]] += 1
print(" ".join(f"{k}={v}" for k, v in sorted(n.items())))' || true)
echo "suite: $PROJECT ($(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null)) in $dir; go test counts: $expected; $WORKERS workers; modes TESTFLEET_WARM=$MODES; 1 first + $RUNS later runs; $(uptime)"
declare -A first later ratios
gt=()
for i in $(seq 0 "$RUNS"); do
  for mode in $MODES; do
    db="$work/fleet-$mode.db"; build="warm$mode-run-$i"
    [ "$i" = 0 ] && rm -rf "$db" "$TESTFLEET_CACHE"
    t0=$(now)
    TESTFLEET_WARM=$mode "$bin" run --local "$WORKERS" --suite "$work/testfleet.toml" --db "$db" --build "$build" --quiet \
      --json "$work/v.json" >/dev/null 2>"$work/stderr-$build" || true
    t=$(echo "$(now) - $t0" | bc -l)
    if [ "$i" = 0 ]; then first[$mode]="$t"; else later[$mode]+="$t "; fi
    got=$(stored "$db" "$build")
    [ "$got" = "$expected" ] || { echo "TESTFLEET_WARM=$mode $build: testfleet counts '$got' differ from go test's '$expected'" >&2
                                  tail -5 "$work/stderr-$build" >&2; exit 1; }
    echo "round $i$([ "$i" = 0 ] && echo ' (fresh store, empty cache)'): TESTFLEET_WARM=$mode testfleet $(printf %.2f "$t") s ($got)"
  done
  t0=$(now)
  (cd "$dir" && go test -count=1 -p "$WORKERS" ./... >/dev/null 2>&1) || true
  x=$(echo "$(now) - $t0" | bc -l); gt+=("$x")
  for mode in $MODES; do [ "$i" = 0 ] || ratios[$mode]+="$(echo "${later[$mode]}" | awk '{print $NF}')/$x "; done
  echo "round $i: go test -p $WORKERS $(printf %.2f "$x") s"
done
args=()
for mode in $MODES; do args+=("$mode=${first[$mode]}=${later[$mode]}=${ratios[$mode]}"); done
python3 - "$PROJECT" "$WORKERS" "${gt[*]}" "$expected" "${args[@]}" <<'PY'
import json, statistics, sys
suite, workers, gt, counts = sys.argv[1], int(sys.argv[2]), [float(x) for x in sys.argv[3].split()], sys.argv[4]
mg = statistics.median(gt)
out = {"bench": "real-go", "suite": suite, "counts": counts, "workers": workers, "go_test_median_s": round(mg, 3),
       "go_test_runs": [round(x, 2) for x in gt]}
print(f"go test -p {workers} median {mg:.2f} s (runs: {', '.join(f'{x:.2f}' for x in gt)})")
for arg in sys.argv[5:]:
    mode, first, later, ratios = arg.split("=")
    first = float(first); later = [float(x) for x in later.split()]
    ml = statistics.median(later)
    rr = statistics.median(float(a) / float(b) for a, b in (r.split("/") for r in ratios.split()))
    print(f"TESTFLEET_WARM={mode}: first run {first:.2f} s = {first/mg:.2f} x go test -p {workers}; later runs median {ml:.2f} s = "
          f"{ml/mg:.2f} x; median of the rounds' own ratios {rr:.2f} (goal <= 1.0, fixed-cost target <= 1.2: {'met' if rr <= 1.2 else 'NOT met'}) (runs: {', '.join(f'{x:.2f}' for x in later)})")
    out[f"warm{mode}"] = {"first_s": round(first, 2), "first_vs_go_test": round(first / mg, 3), "later_median_s": round(ml, 3),
                          "later_vs_go_test": round(ml / mg, 3), "median_round_ratio": round(rr, 3), "later_runs": [round(x, 2) for x in later]}
print(json.dumps(out))
PY
