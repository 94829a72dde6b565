"""bench/run selection-mutants: is `testfleet select` ever running too little on real projects?

For each project (a git repository whose commit on `main` is the PyPI sdist, installed editable in
the venv running this script), for each of N modules of its package:
  1. a mutant commit on branch `mutant`: the module raises at import ("import"), or one of its
     functions raises when called ("body");
  2. the truth: the test files with a test that fails under the mutant and passed on main (a full
     pytest run each time; collection errors and conftest failures count);
  3. the prediction: `testfleet select --base main --head mutant --json`;
  4. missed = truth files not selected (goal 0); share = selected files / all test files.
Prints one line per mutant and, last, one line of JSON with the figures.

Usage: python selection_mutants.py TESTFLEET REPOS_DIR PROJECT[:N[:BODY]]...
  N modules get the import mutant, the first BODY of them also a body mutant.

Django's own suite is not run by pytest: see selection_mutants_django.py for its truth (the test
modules not selected, run by tests/runtests.py under the mutant).
"""
import ast
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import selection_mutants_django as django_suite

RESULT = re.compile(r"^(FAILED|ERROR) (\S+?)(?: - .*)?$")
GIT = ["git", "-c", "user.email=bench@testfleet", "-c", "user.name=bench"]


def git(repo, *args):
    return subprocess.run(GIT + list(args), cwd=repo, check=True, capture_output=True, text=True).stdout


def pytest_failures(repo):
    """Failing node ids (a collection error is its file's id) and the run's seconds."""
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--tb=no", "-rfE", "-p", "no:cacheprovider",
         "--continue-on-collection-errors"],
        cwd=repo, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    failed = set()
    for line in run.stdout.splitlines():
        match = RESULT.match(line.strip())
        if match:
            failed.add(match.group(2))
    # A conftest.py or plugin that cannot be loaded stops pytest before any test (exit 4, or a bare
    # traceback without the session's summary line).
    summary = re.search(r"\d+ (passed|failed|errors?|skipped|deselected)|no tests ran", run.stdout)
    if run.returncode == 4 or "while loading conftest" in run.stdout + run.stderr or not summary:
        failed.add("<conftest>")  # nothing could be collected: every test file fails
    return failed, seconds


def modules_of(repo, count, package=None):
    """N non-test modules of the project's package, spread over it in path order."""
    files = [line for line in git(repo, "ls-files", "*.py").splitlines()
             if not re.search(r"(^|/)(tests?|testing|docs|examples|benchmarks?)/", line)
             and not Path(line).name.startswith(("test_", "tests.", "conftest", "setup"))
             and "/" in line and (package is None or line.startswith(package + "/"))]
    files.sort()
    if len(files) <= count:
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def mutate_import(source):
    return source.rstrip("\n") + "\n\nraise RuntimeError('testfleet mutant: raise at import')\n"


def mutate_body(source):
    """The first function (top level first, else a method) raises when called; None if none."""
    tree = ast.parse(source)
    candidates = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            candidates += [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in candidates:
        first = function.body[0]
        lines = source.splitlines(keepends=True)
        indent = " " * first.col_offset
        if lines[first.lineno - 1][:first.col_offset].strip():
            continue  # `def f(): return 1` on one line
        lines.insert(first.lineno - 1, f"{indent}raise RuntimeError('testfleet mutant: {function.name}')\n")
        return "".join(lines), function.name
    return None


def test_file(node_id):
    return node_id.split("::", 1)[0]


def select(testfleet, repo):
    start = time.perf_counter()
    run = subprocess.run([testfleet, "select", "--base", "main", "--head", "mutant", "--root", str(repo), "--json"],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"testfleet select failed in {repo}: {run.stderr}")
    report = json.loads(run.stdout)
    selected = {entry["test"] for entry in report["selected"]}
    everything = selected | {entry["test"] for entry in report["skipped"]}
    return report["run_all"], selected, everything, report["run_all_reasons"], seconds


def run_project(testfleet, repo, count, bodies):
    git(repo, "checkout", "-q", "main")
    django = django_suite.is_django(repo)
    if django:
        baseline, full_seconds = set(), 0.0
        print(f"== {repo.name}: Django's runtests.py; truth = the test modules not selected, run under each mutant",
              flush=True)
    else:
        baseline, full_seconds = pytest_failures(repo)
        print(f"== {repo.name}: baseline full run {full_seconds:.1f} s, {len(baseline)} failing at baseline", flush=True)
    mutants = []
    for position, module in enumerate(modules_of(repo, count, "django" if django else None)):
        source = (repo / module).read_text()
        kinds = [("import", mutate_import(source), "")]
        if position < bodies:
            body = mutate_body(source)
            if body:
                kinds.append(("body", body[0], body[1]))
        for kind, text, function in kinds:
            git(repo, "checkout", "-q", "-B", "mutant", "main")
            (repo / module).write_text(text)
            # Only the module: an editable install rewrites files such as *.egg-info/SOURCES.txt,
            # which would otherwise ride along (and, being unknown paths, run everything).
            git(repo, "commit", "-qm", f"mutant {kind} {module}", "--", module)
            run_all, selected, everything, reasons, select_seconds = select(testfleet, repo)
            if django:
                # Only what was not selected can be missed (see selection_mutants_django.py).
                missed, checked, seconds = (set(), 0, 0.0) if run_all else \
                    django_suite.missed_files(repo, git, selected, everything)
                truth = missed
            else:
                failed, seconds = pytest_failures(repo)
                new = failed - baseline
                truth = everything if "<conftest>" in new else {test_file(n) for n in new}
                missed = set() if run_all else truth - selected
            share = 1.0 if run_all else len(selected) / max(1, len(everything))
            mutants.append({"module": module, "kind": kind, "function": function, "truth": len(truth),
                            "selected": len(everything) if run_all else len(selected), "test_files": len(everything),
                            "run_all": run_all, "missed": sorted(missed), "share": share,
                            "pytest_s": round(seconds, 2), "select_s": round(select_seconds, 3)})
            label = f"{kind} {module}" + (f" ({function})" if function else "")
            if django:
                mutants[-1]["truth"] = None
                mutants[-1]["checked_not_selected"] = checked
            truth_text = f"{checked} not selected run, {len(missed)} of them fail" if django else f"truth {len(truth)} files"
            print(f"  {label}: {truth_text}, selected {mutants[-1]['selected']}/{len(everything)}"
                  f"{' (run all: ' + reasons[0][:90] + ')' if run_all else ''}, missed {len(missed)}"
                  f"{' ' + str(sorted(missed)[:5]) if missed else ''}", flush=True)
            git(repo, "checkout", "-q", "main")
    shares = [m["share"] for m in mutants]
    return {"project": repo.name, "full_run_s": round(full_seconds, 1), "mutants": len(mutants),
            "modules": len({m["module"] for m in mutants}), "missed_files": sum(len(m["missed"]) for m in mutants),
            "share_median": round(statistics.median(shares), 3), "share_worst": round(max(shares), 3),
            "run_all": sum(m["run_all"] for m in mutants),
            "select_s_median": round(statistics.median(m["select_s"] for m in mutants), 3), "detail": mutants}


def main():
    testfleet, repos = sys.argv[1], Path(sys.argv[2])
    results = []
    for spec in sys.argv[3:]:
        name, count, bodies = (spec.split(":") + ["10", "3"])[:3]
        results.append(run_project(testfleet, repos / name, int(count), int(bodies)))
    for r in results:
        print(f"{r['project']}: {r['modules']} modules, {r['mutants']} mutants, missed {r['missed_files']} test files; "
              f"share selected median {r['share_median']:.0%}, worst {r['share_worst']:.0%} "
              f"(run-everything 100%, full run {r['full_run_s']} s); {r['run_all']} ran everything")
    print(json.dumps({"bench": "selection-mutants", "projects": [{k: v for k, v in r.items() if k != "detail"}
                                                               for r in results]}))


if __name__ == "__main__":
    main()
