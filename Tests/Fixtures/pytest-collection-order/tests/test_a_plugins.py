import pytest

import state


@pytest.mark.parametrize("n", range(3))
def test_plugins_are_loaded(n):
    assert state.PLUGINS == ["brain"], "the plugins were unloaded by a test that ran earlier in this process"
