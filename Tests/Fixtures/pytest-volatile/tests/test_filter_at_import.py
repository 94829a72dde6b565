"""Turns every warning into an error at import, as markdown's test_legacy.py does (testfleet fixture)."""
import warnings

warnings.simplefilter("error")


def test_imported():
    pass
