import pytest


@pytest.mark.parametrize("value", [1, 2, 3])
def test_value(source, value):
    assert source in ("a", "b") and value > 0
