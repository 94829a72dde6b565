def test_fails_genuinely():
    assert 1 + 1 == 3, "a genuine failure"


def test_runs_after_a_failure():
    pass


def test_keeps_a_value_in_the_cache(cache):
    cache.set("fixture/value", 42)
    assert cache.get("fixture/value", None) == 42
