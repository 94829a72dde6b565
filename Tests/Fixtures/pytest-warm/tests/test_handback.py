import os
import pathlib
import time

import pytest


@pytest.fixture(scope="module", autouse=True)
def module_resource():
    # Torn down after the module's last test, or when a hand-back takes the test pytest kept it
    # set up for. With TESTFLEET_FIXTURE_TEARDOWN_FAILS set (WarmSlotTests) that teardown fails.
    yield
    if os.environ.get("TESTFLEET_FIXTURE_TEARDOWN_FAILS"):
        raise RuntimeError("module_resource teardown failed")


def test_slow_head():
    # With the marker set (WarmSlotTests' hand-back test) this test says it started and takes a
    # while, so a reclaim reaches the grant while it runs (and says when it ended); elsewhere it
    # passes at once.
    marker = os.environ.get("TESTFLEET_FIXTURE_STARTED")
    if marker:
        pathlib.Path(marker).write_text("started")
        time.sleep(1.5)
        pathlib.Path(marker).write_text("ended")


@pytest.mark.parametrize("n", range(8))
def test_quick(n):
    pass
