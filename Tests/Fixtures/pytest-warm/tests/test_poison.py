import shared_state


def test_needs_poison():
    # Fails in a fresh process; passes only after test_poisons ran in the same process.
    assert shared_state.POISONED, "nothing poisoned the module state in this process"


def test_poisons():
    shared_state.POISONED = True
