def test_other(source):
    assert source in ("a", "b")
