#!/bin/sh
# Screenshots of the dashboard's builds, flaky and trends pages with headless Chromium.
#
#   scripts/screenshots.sh http://127.0.0.1:8080 out/       # a running `testfleet coordinator --http`
#
# Writes OUT/builds.png, OUT/flaky.png and OUT/trends.png. Needs Debian's `chromium`
# (apt-get install chromium); CHROMIUM overrides the binary.
set -eu
base=${1:?usage: scripts/screenshots.sh BASE_URL OUT_DIR}
out=${2:?usage: scripts/screenshots.sh BASE_URL OUT_DIR}
browser=${CHROMIUM:-chromium}
command -v "$browser" >/dev/null || { echo "screenshots.sh: $browser not found (apt-get install chromium)" >&2; exit 3; }
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for page in builds:/ flaky:/flaky trends:/trends; do
    name=${page%%:*}
    path=${page#*:}
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
        --window-size=1400,2200 --screenshot="$out/$name.png" "$base$path" 2>/dev/null
    [ -s "$out/$name.png" ] || { echo "screenshots.sh: no screenshot of $base$path" >&2; exit 3; }
    echo "$out/$name.png"
done
