"""Fakes the clock pytest times tests with and leaves it faked, as a test that fails inside
freezegun's freeze_time leaves time frozen (testfleet fixture: see the README)."""
import _pytest.timing


def test_leaves_the_clock_faked():
    real = _pytest.timing.perf_counter
    _pytest.timing.perf_counter = lambda: real() + 1e9


def test_plain():
    pass
