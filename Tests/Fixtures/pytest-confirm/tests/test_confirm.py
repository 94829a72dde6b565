"""Tests whose nature a rerun shows: test_flaky fails its first FLAKY_FAILURES runs and then
passes (a counter file under $CONFIRM_STATE makes the flakiness repeatable), test_broken fails
every run (a real bug), test_ok always passes."""
import os
import pathlib


def _runs_so_far(name):
    counter = pathlib.Path(os.environ["CONFIRM_STATE"]) / (name + ".count")
    runs = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(runs + 1))
    return runs


def test_ok():
    assert sum([1, 2]) == 3


def test_flaky():
    runs = _runs_so_far("test_flaky")
    assert runs >= int(os.environ.get("FLAKY_FAILURES", "2")), f"timing-dependent failure on run {runs + 1}"


def add(a, b):
    return a - b  # the bug


def test_broken():
    assert add(2, 2) == 4
