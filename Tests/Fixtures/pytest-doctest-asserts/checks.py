def positive(value):
    """The value, if it is positive.

    >>> positive(2)
    2
    >>> positive(-1)
    Traceback (most recent call last):
    ...
    AssertionError: not positive
    """
    assert value > 0, "not positive"
    return value
