"""Passes only when an earlier test module's functions were collected before this module was
imported (conftest.py's hook sets the variable then), which a plain run does: it collects each
module before it imports the next (testfleet fixture)."""
import os

SEEN_AT_IMPORT = os.environ.get("TESTFLEET_FIXTURE_HOOK_SIDE_EFFECT")


def test_saw_hook():
    assert SEEN_AT_IMPORT == "collected"
