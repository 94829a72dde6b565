"""Fails while `open` raises (testfleet fixture): pytest makes the failure's report before the
test's teardown puts `open` back, so whatever a plugin opens then meets the test's `open`."""
import builtins


def test_fails_while_open_raises(monkeypatch):
    def no_files(*args, **kwargs):
        raise RuntimeError("this test opens no files")

    monkeypatch.setattr(builtins, "open", no_files)
    import colorsys  # Python's import system never calls builtins.open

    assert colorsys.ONE_THIRD > 0
    expected = 2
    assert 1 + 1 == expected + 1
