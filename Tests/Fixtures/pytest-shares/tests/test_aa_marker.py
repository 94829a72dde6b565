import builtins

# Set at import (collection), as a test module's top-level imports change process state.
builtins.TESTFLEET_FIXTURE_MARKER_IMPORTED = True


def test_marker():
    pass
