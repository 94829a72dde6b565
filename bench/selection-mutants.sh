#!/usr/bin/env bash
# bench/selection-mutants.sh — `bench/run selection-mutants [PROJECT[:N[:BODY]] …]`: does
# `testfleet select` ever run too little? Real projects from their PyPI sdists (src layouts:
# flask, click, jinja2, itsdangerous, attrs with two packages; flat: toolz with its tests inside
# the package, tomlkit, more-itertools; Django's own suite, run by tests/runtests.py, with a
# testfleet.toml naming its test files), each a git repository installed editable in one venv;
# N modules each mutated (raise at import; the first BODY also a function that raises), full
# pytest for the truth (Django: the test modules not selected, run under the mutant), `select`
# for the prediction.
# See bench/selection_mutants.py and bench/selection_mutants_django.py for the figures.
# Env: SELECTION_MUTANTS_WORK (cache dir for the venv, sdists and repositories),
#      TESTFLEET (binary; default .build/release/testfleet, built when missing).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${SELECTION_MUTANTS_WORK:-${TMPDIR:-/tmp}/testfleet-selection-mutants}
projects=("flask==3.1.3" "click==8.5.1" "jinja2==3.1.6" "itsdangerous==2.2.0" "toolz==1.2.0" "tomlkit==0.15.2"
          "more-itertools==10.8.0" "django==5.2.19" "attrs==26.1.0")
mkdir -p "$work/dl" "$work/src" "$work/repos"

[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
# pytest 8: flask 3.1's conftest uses _pytest.monkeypatch.notset, gone in pytest 9.
# hypothesis: attrs' tests (it imports attrs, so an attrs mutant fails every attrs test, as it would).
"$work/venv/bin/pip" install -q "pytest<9" trio freezegun tblib hypothesis
editable=()
for spec in "${projects[@]}"; do
    name=${spec%%==*}; version=${spec##*==}
    dir="$work/repos/$name"
    if [ ! -d "$dir/.git" ]; then
        "$work/venv/bin/pip" download -q --no-deps --no-binary :all: "$spec" -d "$work/dl"
        archive=$(ls "$work/dl/" | grep -i "^${name//-/_}-$version.tar.gz$\|^$name-$version.tar.gz$" | head -1)
        rm -rf "$work/src/$name" && mkdir -p "$work/src/$name"
        tar xzf "$work/dl/$archive" -C "$work/src/$name" --strip-components=1
        cp -r "$work/src/$name" "$dir"
        if [ "$name" = django ]; then
            rm -rf "$dir/Django.egg-info"  # rewritten by the editable install
            # Django's runner discovers test*.py (unittest's pattern), which pytest's defaults miss.
            printf '%s\n' '[[suite]]' 'name = "django"' 'adapter = "pytest"' 'dir = "."' \
                'command = "python tests/runtests.py"' '' '[rules]' 'python_test_files = ["test*.py"]' > "$dir/testfleet.toml"
        fi
        git -C "$dir" init -q -b main
        git -C "$dir" add -A
        git -C "$dir" -c user.email=bench@testfleet -c user.name=bench commit -qm "sdist $spec"
    fi
    editable+=(-e "$dir")
done
"$work/venv/bin/pip" install -q "${editable[@]}"

cli=${TESTFLEET:-$repo/.build/release/testfleet}
[ -x "$cli" ] || (cd "$repo" && nice -n 10 swift build -j 1 -c release --product testfleet >&2)

echo "date: $(date -u '+%Y-%m-%dT%H:%M:%SZ'), $(nproc) cores, $("$work/venv/bin/python" --version), $("$work/venv/bin/python" -m pytest --version 2>&1)"
if [ $# -eq 0 ]; then set -- flask:12:3 click:10:3 jinja2:12:3 itsdangerous:8:3 toolz:12:3 tomlkit:10:3 more-itertools:10:3 django:12:2 attrs:12:3; fi
exec "$work/venv/bin/python" "$repo/bench/selection_mutants.py" "$cli" "$work/repos" "$@"
