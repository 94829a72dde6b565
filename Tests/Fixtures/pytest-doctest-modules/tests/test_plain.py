def double(x):
    """
    >>> double(2)
    4
    """
    return 2 * x


def test_double():
    assert double(3) == 6
