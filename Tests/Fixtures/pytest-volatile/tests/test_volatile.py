"""Parametrisation ids made from the clock and from uuids: each collection makes new ones
(testfleet fixture)."""
import time
import uuid

import pytest


# The last as rdflib's blank nodes name themselves: "N" and a fresh uuid's hex.
@pytest.mark.parametrize("value", ["fixed", time.time_ns(), "at-%d" % time.time_ns(), "N" + uuid.uuid4().hex])
def test_value(value):
    assert value


def test_plain():
    pass
