import os
import pathlib
import time

import pytest


def test_slow_head():
    # With the marker set (WarmSlotTests' hand-back test) this test says it started and takes a
    # while, so a reclaim reaches the grant while it runs; elsewhere it passes at once.
    marker = os.environ.get("TESTFLEET_FIXTURE_STARTED")
    if marker:
        pathlib.Path(marker).write_text("started")
        time.sleep(1.5)


@pytest.mark.parametrize("n", range(8))
def test_quick(n):
    pass
