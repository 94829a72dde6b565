extension PytestOnlyPlugin {
    /// The part of both plugins' source (this one's and the warm session's) that takes a
    /// process back to where a test's body started, when the body left it elsewhere, before
    /// the next test sets up.
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


_getcwd = os.getcwd  # the real one, also the warm session's while it watches os.getcwd (_watched_getcwd)
# Where the last test's body started and where it left the process (None: not known).
_body_directories = [None, None]


def _cwd_or_none():
    try:
        return _getcwd()
    except OSError:  # it was removed: a test left a temporary directory that is gone now
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Notes where the test's body starts."""
    _body_directories[0] = _cwd_or_none()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Notes where the body left the process: nothing runs between a body's end and this."""
    if _body_directories[0] is not None:
        _body_directories[1] = _cwd_or_none()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the next test sets up (every teardown of the last one done, module and class
    fixtures' too): back to where the last body started, when it left elsewhere and nothing
    moved the process since. Plain hooks, no wrapper: a suite of 9,000 millisecond tests pays
    them for each test."""
    started, left = _body_directories
    _body_directories[0] = _body_directories[1] = None
    if started is not None and left != started and _cwd_or_none() == left:
        try:
            os.chdir(started)
        except OSError:
            pass
"""#
}
