import pytest

# Skipped whole at collection: one skipped test in a plain pytest run.
pytest.importorskip("testfleet_fixture_no_such_module")


def test_never_collected():
    pass
