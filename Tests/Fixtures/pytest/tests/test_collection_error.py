"""A module that cannot be collected: its import fails (testfleet adapter fixture)."""
import testfleet_module_that_does_not_exist  # noqa: F401


def test_never_collected():
    pass
