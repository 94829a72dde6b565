# Fails at import: a collection error, once per collector.
import testfleet_fixture_absent_module  # noqa: F401


def test_never_collected():
    pass
