import pytest

# Skips the whole module at collection: a plain run counts it as one skipped test.
pytest.importorskip("testfleet_no_such_module")


def test_never_collected():
    pass
