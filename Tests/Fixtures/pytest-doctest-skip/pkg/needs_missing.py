"""A helper module (not a test module by python_files) that cannot be imported here."""
import testfleet_fixture_no_such_module  # noqa: F401


def double(x):
    """
    >>> double(2)
    4
    """
    return 2 * x
