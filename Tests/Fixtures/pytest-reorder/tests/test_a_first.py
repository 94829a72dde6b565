import pytest


@pytest.mark.last
def test_migrates():
    assert True


def test_plain():
    assert True
