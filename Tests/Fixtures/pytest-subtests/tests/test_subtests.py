import unittest

import pytest


class TestBackends(unittest.TestCase):
    def test_some_backends_missing(self):
        for backend in ("re", "hyperscan", "re2"):
            with self.subTest(backend=backend):
                if backend == "hyperscan":
                    self.skipTest("No module named 'hyperscan'")


def test_native_subtest_skips(subtests):
    for i in range(3):
        with subtests.test(i=i):
            if i == 2:
                pytest.skip("not on this machine")


def test_native_subtest_xfails(subtests):
    # referencing 0.35.1's suite xfails the cases of a JSON file in their subtests.
    for i in range(3):
        with subtests.test(i=i):
            if i > 0:
                pytest.xfail("APIs need to change")


def test_no_subtests():
    assert True


def test_skips_itself():
    pytest.skip("its own skip, not a subtest's")
