"""Django's own test suite for `bench/run selection-mutants` (see selection_mutants.py).

Django's tests are not a pytest suite: `tests/runtests.py` runs them (unittest discovery, files
`test*.py` in the app directories under tests/, which it puts on sys.path, each run installing the
apps of the labels it is given). A full run takes many minutes per mutant on this machine, so the
truth is measured where a miss can be: the test modules `select` did NOT pick are run under the
mutant (`runtests.py <their labels>`); any that fails, and passes (or is absent) on main, is a
missed test file. Everything selected would run anyway. The truth therefore counts only misses; how
much of the suite a mutant really breaks is not measured (no "truth share").
"""
import re
import subprocess
import sys
import time
from pathlib import Path

# runtests.py skips these directories (SUBDIRS_TO_SKIP) and the GIS tests without a spatial database.
SKIPPED_APPS = {"import_error_package", "test_runner_apps", "gis_tests"}
FAILURE = re.compile(r"^(?:ERROR|FAIL): \S+ \(([^)\s]+)\)")


def is_django(repo):
    return (repo / "tests" / "runtests.py").is_file() and (repo / "django" / "__init__.py").is_file()


def runnable_label(repo, path):
    """The runtests.py label of a test file `path` (repository-relative), None when runtests.py
    would not discover it."""
    parts = Path(path).parts
    if len(parts) < 3 or parts[0] != "tests" or parts[1] in SKIPPED_APPS or not parts[-1].startswith("test"):
        return None
    for depth in range(2, len(parts)):
        if not (repo.joinpath(*parts[:depth]) / "__init__.py").is_file():
            return None
    return ".".join(parts[1:])[: -len(".py")]


def failing_labels(repo, labels):
    """The labels with a failing or erroring test when runtests.py runs them together; all of them
    when the run stops before any test (an app that cannot be imported at setup)."""
    if not labels:
        return set(), 0.0
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "tests/runtests.py", "--noinput", "--parallel=2", *sorted(labels)],
                         cwd=repo, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    output = run.stdout + run.stderr
    if not re.search(r"^Ran \d+ tests? in", output, re.MULTILINE):
        return set(labels), seconds
    failed = set()
    for line in output.splitlines():
        match = FAILURE.match(line)
        if not match:
            continue
        test_id = match.group(1)
        for label in labels:
            if test_id == label or test_id.startswith(label + ".") or ("." + label + ".") in test_id \
                    or test_id.endswith("." + label):
                failed.add(label)
    return failed, seconds


def missed_files(repo, git, selected, everything):
    """Test files not selected that fail under the mutant checked out now and not on main."""
    labels = {}
    for path in everything - selected:
        label = runnable_label(repo, path)
        if label:
            labels[label] = path
    failed, seconds = failing_labels(repo, set(labels))
    if failed:
        git(repo, "checkout", "-q", "main")
        on_main, more = failing_labels(repo, failed)
        seconds += more
        git(repo, "checkout", "-q", "mutant")
        failed -= on_main
    return {labels[label] for label in failed}, len(labels), seconds
