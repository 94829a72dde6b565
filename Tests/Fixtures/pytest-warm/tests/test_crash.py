import os
import signal


def test_before_crash():
    pass


def test_segfaults():
    print("about to segfault the whole pytest process")
    os.kill(os.getpid(), signal.SIGSEGV)


def test_after_crash():
    pass
