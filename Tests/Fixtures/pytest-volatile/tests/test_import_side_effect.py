"""Changes the process when imported, as structlog's test modules import `multiprocessing`,
which another of its tests relies on (testfleet fixture)."""
import os

os.environ["TESTFLEET_FIXTURE_SIDE_EFFECT"] = "imported"


def test_sets():
    assert os.environ["TESTFLEET_FIXTURE_SIDE_EFFECT"] == "imported"
