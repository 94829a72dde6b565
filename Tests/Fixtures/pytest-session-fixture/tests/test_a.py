def test_first(connection):
    assert connection == "db"


def test_second(connection):
    assert connection == "db"


def test_third(connection):
    assert connection == "db"
