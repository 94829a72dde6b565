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


def _say(marker, word):
    # Whole or not at all: a reader that sees the file sees the word (write_text truncates first).
    pathlib.Path(marker + ".tmp").write_text(word)
    os.replace(marker + ".tmp", marker)


def test_slow_head():
    # With the marker set (WarmSlotTests' hand-back test) this test says it started and takes a
    # while, so a reclaim reaches the grant while it runs (and says when it ended); elsewhere it
    # passes at once.
    marker = os.environ.get("TESTFLEET_FIXTURE_STARTED")
    if marker:
        _say(marker, "started")
        time.sleep(1.5)
        _say(marker, "ended")


@pytest.mark.parametrize("n", range(8))
def test_quick(n):
    pass
