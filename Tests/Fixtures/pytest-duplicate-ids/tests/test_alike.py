def alike(function):
    function.alike = True
    return function


@alike
def test_first():
    pass


@alike
def test_second_fails():
    assert False, "the second of three items named alike fails"


@alike
def test_third():
    pass


def test_plain():
    pass
