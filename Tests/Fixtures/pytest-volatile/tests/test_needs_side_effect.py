"""Passes only once test_import_side_effect.py was imported: in a plain run it was, during
collection, before any test ran (testfleet fixture)."""
import os


def test_sees():
    assert os.environ.get("TESTFLEET_FIXTURE_SIDE_EFFECT") == "imported"
