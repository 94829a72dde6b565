def describe_a():
    def test_a0():
        assert 0 + 1 == 1

    def test_a1():
        assert 1 + 1 == 2

    def test_a2():
        assert 2 + 1 == 3

    def test_a3():
        assert 3 + 1 == 4

    def test_a4():
        assert 4 + 1 == 5

    def test_a5():
        assert 5 + 1 == 6

    return locals()


def describe_b():
    def test_b0():
        assert 0 + 1 == 1

    def test_b1():
        assert 1 + 1 == 2

    def test_b2():
        assert 2 + 1 == 3

    def test_b3():
        assert 3 + 1 == 4

    def test_b4():
        assert 4 + 1 == 5

    def test_b5():
        assert 5 + 1 == 6

    return locals()


def describe_c():
    def test_c0():
        assert 0 + 1 == 1

    def test_c1():
        assert 1 + 1 == 2

    def test_c2():
        assert 2 + 1 == 3

    def test_c3():
        assert 3 + 1 == 4

    def test_c4():
        assert 4 + 1 == 5

    def test_c5():
        assert 5 + 1 == 6

    return locals()


def describe_d():
    def test_d0():
        assert 0 + 1 == 1

    def test_d1():
        assert 1 + 1 == 2

    def test_d2():
        assert 2 + 1 == 3

    def test_d3():
        assert 3 + 1 == 4

    def test_d4():
        assert 4 + 1 == 5

    def test_d5():
        assert 5 + 1 == 6

    return locals()
