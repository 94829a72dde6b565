import os
import time

STAGING = "scratch"


class _Staged:
    @classmethod
    def setup_class(cls):
        assert not os.path.exists(STAGING), "staging directory %s already exists; poor cleanup?" % STAGING
        os.mkdir(STAGING)

    @classmethod
    def teardown_class(cls):
        os.rmdir(STAGING)


class TestOne(_Staged):
    def test_a(self):
        time.sleep(0.3)

    def test_b(self):
        time.sleep(0.3)


class TestTwo(_Staged):
    def test_a(self):
        time.sleep(0.3)

    def test_b(self):
        time.sleep(0.3)


class TestThree(_Staged):
    def test_a(self):
        time.sleep(0.3)

    def test_b(self):
        time.sleep(0.3)


class TestFour(_Staged):
    def test_a(self):
        time.sleep(0.3)

    def test_b(self):
        time.sleep(0.3)


class TestBroken(_Staged):
    def test_fails(self):
        assert os.path.isdir(STAGING)
        assert False, "fails on purpose"

    def test_after(self):
        time.sleep(1.0)
