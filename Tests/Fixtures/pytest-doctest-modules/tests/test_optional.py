import pytest

# Skips the whole module, as a suite does for an optional dependency that is not installed.
pytest.importorskip("testfleet_fixture_absent_module")


def test_never_runs():
    assert False
