def test_uses_the_database(database):
    assert database == "db"


def test_uses_it_again(database):
    assert database == "db"
