"""A class pytest cannot collect, beside a test it can (testfleet fixture)."""
import pytest


@pytest.mark.parametrize("no_such_argument", [1])
class TestBroken:
    def test_never_collected(self):
        pass


def test_collected():
    pass
