import time


def test_quick_before_hang():
    pass


def test_hangs():
    print("going to sleep for ten minutes")
    time.sleep(600)


def test_quick_after_hang():
    pass
