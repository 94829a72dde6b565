"""Fails every time: its failure report parses this file (testfleet fixture)."""


def test_fails():
    expected = 2
    assert 1 + 1 == expected + 1
