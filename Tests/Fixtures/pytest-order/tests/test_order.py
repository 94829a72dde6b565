import state


def test_a():
    # Leaks: nothing resets this for the tests that run after it in the same process.
    state.POLLUTED = True


def test_b():
    assert not state.POLLUTED, "state.POLLUTED was left set by a test that ran earlier in this process"


def test_independent():
    assert 1 + 1 == 2
