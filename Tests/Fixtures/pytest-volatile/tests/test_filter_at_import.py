"""Turns every warning into an error at import, as markdown's test_legacy.py does, until the
collection ends (testfleet fixture). Longer than test_broken_class.py on purpose: a listing split
in two shares by size then gives test_helper_class.py to the other share."""
import warnings

warnings.simplefilter("error")


def test_imported():
    pass
