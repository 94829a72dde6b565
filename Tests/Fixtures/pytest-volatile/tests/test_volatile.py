"""Parametrisation ids made from the clock: each collection makes new ones (testfleet fixture)."""
import time

import pytest


@pytest.mark.parametrize("value", ["fixed", time.time_ns(), "at-%d" % time.time_ns()])
def test_value(value):
    assert value


def test_plain():
    pass
