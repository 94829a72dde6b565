import builtins


def test_needs_the_marker_module_imported():
    assert getattr(builtins, "TESTFLEET_FIXTURE_MARKER_IMPORTED", False)
