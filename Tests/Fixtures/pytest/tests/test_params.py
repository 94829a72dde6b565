"""Parametrized ids with brackets, spaces, non-ASCII and '::' (testfleet adapter fixture)."""
import pytest


@pytest.mark.parametrize("word, count", [("ä b", 1), ("plain", 2), ("日本", 3)])
def test_x(word, count):
    assert count != 2, "the plain case fails on purpose"


@pytest.mark.parametrize("value", [1, 2], ids=["a::b", "with [brackets]"])
def test_odd_ids(value):
    assert value in (1, 2)


class TestParamsInClass:
    @pytest.mark.parametrize("n", [0, 1])
    def test_n(self, n):
        if n == 1:
            pytest.skip("n=1 skipped")
