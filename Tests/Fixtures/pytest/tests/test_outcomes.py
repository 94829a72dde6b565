"""One test per pytest outcome kind (testfleet adapter fixture)."""
import sys

import pytest


def test_passes():
    assert 1 + 1 == 2


def test_fails():
    print("output of a failing test")
    assert 1 + 1 == 3, "arithmetic is broken"


@pytest.fixture
def broken_fixture():
    raise RuntimeError("fixture could not be set up")


def test_error_in_fixture(broken_fixture):
    pass


@pytest.mark.skip(reason="skipped by marker")
def test_skipped_by_marker():
    pass


def test_skipped_at_runtime():
    pytest.skip("skipped at runtime")


@pytest.mark.xfail(reason="known bug")
def test_expected_failure():
    assert False


@pytest.mark.xfail(reason="bug fixed meanwhile")
def test_unexpected_pass():
    assert True


def test_writes_to_stderr():
    sys.stderr.write("a line on stderr <&>\n")


class TestGroup:
    def test_method_passes(self):
        assert "a" in "abc"

    def test_method_fails(self):
        assert [1, 2] == [1, 3]
