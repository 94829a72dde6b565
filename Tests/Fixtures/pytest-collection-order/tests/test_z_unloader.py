import time

import pytest

import state


@pytest.mark.parametrize("n", range(10))
def test_works_without_plugins(n):
    # Like a test that swaps in a "brainless" manager and never swaps the old one back.
    state.PLUGINS = None
    time.sleep(0.1)
