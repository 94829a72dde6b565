extension PytestOnlyPlugin {
    /// The part of both plugins' source (this one's and the warm session's) that takes a
    /// process back to the directory a test's body left it in, once its teardown is done.
    /// Appended to each plugin's source: one module.
    ///
    /// Why: a test that calls `os.chdir` (py.path's `tmpdir.chdir()`) and never returns leaves
    /// every later test of its process working there. In a plain run that is the same chain of
    /// tests every time; in a testfleet process it is whichever tests the grants put after it.
    /// isort 5.13.2's `test_conda_and_virtual_env` leaves its processes in a directory holding a
    /// package `z`, and `test_isort_with_stdin`, which sorts `import z` as a third-party module,
    /// failed in a first build whose grants ran no other directory-changing test between the two
    /// (serial pytest's order has two, which happen to leave a directory without `z`). The test
    /// passes alone, as the tests after a leak were written to. Only the body's change is taken
    /// back, and only when teardown kept it: a fixture that changes directory (in setup, for a
    /// module or a class) and changes back in its teardown is pytest's own way, and a
    /// `monkeypatch.chdir` is undone by its fixture.
    static let leftDirectorySource = #"""


_getcwd = os.getcwd  # the real one: the warm session watches os.getcwd while a project imports
_body_started = [None, None]  # the test whose body runs, and the directory it started in


def _cwd_or_none():
    try:
        return _getcwd()
    except OSError:  # it was removed: a test left a temporary directory that is gone now
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Notes where the test's body starts (see pytest_runtest_teardown)."""
    _body_started[0] = item
    _body_started[1] = _cwd_or_none()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Returns to where the test's body started when it left elsewhere and teardown kept that.
    Nothing runs between a body's end and its teardown, so where teardown starts is where the
    body left. One wrapper, not one per phase: a suite of 9,000 millisecond tests pays it each."""
    started = _body_started[1] if _body_started[0] is item else None
    _body_started[0] = _body_started[1] = None
    left = _cwd_or_none() if started is not None else None
    yield
    if started is not None and left != started and _cwd_or_none() == left:
        try:
            os.chdir(started)
        except OSError:
            pass
"""#
}
