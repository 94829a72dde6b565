import os

import pytest

with open(os.environ["UNITS_LOG"], "a") as log:
    log.write("imported\n")


class TestFirst:
    def test_one(self):
        pass

    def test_two(self):
        pass


class TestSecond:
    def test_three(self):
        pass


def test_function():
    pass


@pytest.mark.parametrize("n", [1, 2])
def test_param(n):
    assert n in (1, 2)
