def test_first(shared_results):
    assert shared_results == 1, "this module's fixture was made again in the same process"


def test_second(shared_results):
    assert shared_results == 1, "this module's fixture was made again in the same process"


def test_broken():
    assert False, "genuinely broken: fails in every run"
