import os


def test_coin():
    # Fails 30% of the time, independently of anything else that ran.
    assert os.urandom(1)[0] >= 77, "lost the coin toss"
