import Foundation

/// The pytest plugin a cold run loads (`-p testfleet_only`): the granted node ids replace the
/// file and directory arguments pytest parsed from the suite's command and `addopts`. Appending
/// the ids alone is not enough: `pytest tests tests/test_a.py::test_x` runs all of `tests`, so a
/// suite whose command names its test directory (the usual `python -m pytest tests`) would run
/// the whole suite in every grant. pytest's own parser decides what is a path, so an option's
/// value is never mistaken for one.
enum PytestOnlyPlugin {
    static let moduleName = "testfleet_only"
    /// The environment variable naming the file of node ids, one per line.
    static let idsVariable = "TESTFLEET_ONLY"
    /// The environment variable naming the file the plugin writes the skips it saw to, one per
    /// line: `own ID` for a test's own skip, `sub ID` for a skip of one of its subtests (see
    /// `subtestSkipsOnly(in:)`).
    static let skipsVariable = "TESTFLEET_SKIPS"
    /// Set to "1": the ids' files become the arguments and the plugin keeps the granted ids from
    /// what collection made, after every other plugin's `pytest_collection_modifyitems`.
    /// SQLAlchemy's plugin (alembic, SQLAlchemy, Flask-SQLAlchemy…) makes its per-backend
    /// classes (`Test_sqlite+pysqlite_3_40_1`) there, after pytest matched its arguments, so
    /// pytest refuses their ids as arguments ("not found"): a cold run of alembic's suite
    /// failed 601 tests that pass.
    static let withinFilesVariable = "TESTFLEET_ONLY_WITHIN_FILES"

    /// The tests whose only skips were their subtests' (pytest 9's `subtests` fixture and
    /// unittest's `subTest`, pytest-subtests before it). pytest counts such a test as passed and
    /// each subtest's skip on its own (`3 passed, 4 skipped, 4 subtests passed`), but its JUnit
    /// XML gives the test a `<skipped>` child per skipped subtest, the same element as the
    /// test's own skip: without this, a cold run recorded pathspec 1.1.1's 46 tests with a
    /// skipped backend subtest as skipped, where pytest says they passed.
    static func subtestSkipsOnly(in text: String) -> Set<String> {
        var own = Set<String>()
        var sub = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("own ") { own.insert(String(line.dropFirst(4))) }
            if line.hasPrefix("sub ") { sub.insert(String(line.dropFirst(4))) }
        }
        return sub.subtracting(own)
    }

    /// Writes the plugin under `cacheDirectory` and returns the directory to put on `PYTHONPATH`.
    static func install(under cacheDirectory: String) throws -> String {
        try PythonPluginFile.install(source, moduleName: moduleName, under: cacheDirectory)
    }

    /// Whether pytest's output says it could not import the plugin (a command that sets its own
    /// `PYTHONPATH` hides testfleet's directory): the batch then runs without it.
    static func wasRefused(_ output: String) -> Bool {
        output.contains("Error importing plugin \"\(moduleName)\"")
    }

    static let source = pluginSource + subtestSource + workDirectorySource + leftDirectorySource + ownRunsSource
        + dependencyNamesSource + dependencySource + rewritingSource

    /// `_enters_work_directory_early(config)`, for this plugin and the warm one: whether a process
    /// may enter its work directory (`TESTFLEET_WORK_DIR`) before pytest loads the initial
    /// conftests. Code that keeps the working directory it was imported in (paramiko's test
    /// SFTP server serves `ROOT = os.getcwd()`, from a module its conftest imports) must see the
    /// directory its tests then work in: entered only when the session started, 28 of paramiko
    /// 3.5.0's SFTP tests failed in a local run's second worker (their folder made in the
    /// mirror, looked for in the suite's directory). pytest 8.1 and later anchor the initial
    /// conftests at the directory pytest started in (`invocation_dir`); before, at the working
    /// directory, which would load them from the mirror: those enter at the session's start.
    static let workDirectorySource = #"""


def _enter_once(entered, directory):
    """Works in `directory` (when given) from here on, the first time only (`entered`, a
    one-item list, says whether it was tried). Returns the OSError that kept it out, or None."""
    if not directory or entered[0]:
        return None
    entered[0] = True
    try:
        os.chdir(directory)
        os.environ["PWD"] = directory
    except OSError as error:
        return error
    return None


def _anchor_ignored_paths(config):
    """Makes the --ignore and --ignore-glob paths absolute against the directory pytest started
    in. pytest resolves them against the working directory when it collects, so a process that
    works in its mirror by then ignored nothing of the suite's own directory: traitlets 5.14.3's
    addopts say --ignore=examples/docs/configs, a local run's second worker collected those two
    modules too, and the shares of its first listing disagreed on the files."""
    if not _WORK_DIR:
        return
    start = str(getattr(getattr(config, "invocation_params", None), "dir", "") or "")
    for name in ("ignore", "ignore_glob"):
        values = getattr(config.option, name, None) if start else None
        if values:
            setattr(config.option, name, [os.path.join(start, str(value)) for value in values])


def _enters_work_directory_early(config):
    """Whether pytest loads the initial conftests from the directory it started in whatever the
    working directory is (its _set_initial_conftests takes an invocation_dir)."""
    try:
        return "invocation_dir" in inspect.signature(config.pluginmanager._set_initial_conftests).parameters
    except (AttributeError, TypeError, ValueError):
        return False
"""#

    /// `_is_subtest(report)`, for this plugin and the warm one (`PytestWarmPlugin`), which
    /// decide a test's outcome from its reports alike. One module's worth of Python.
    static let subtestSource = #"""


def _is_subtest(report):
    """pytest 9's SubtestReport, pytest-subtests' SubTestReport: both carry the subtest's context."""
    return type(report).__name__ in ("SubtestReport", "SubTestReport") and hasattr(report, "context")
"""#

    private static let pluginSource = #"""
"""testfleet's cold-run plugin (loaded with -p testfleet_only; written by the worker).

TESTFLEET_ONLY names a file of node ids, one per line: they become the run's arguments in place
of the files and directories the command line and addopts gave, so only they are collected and
run. Options, the rootdir and the ini file stay as pytest decided them from the original ones.

With TESTFLEET_ONLY_WITHIN_FILES=1 the ids' files are the arguments instead, and the granted ids
are kept from the items collection made: for ids a plugin makes only at collection's end, which
pytest's argument matching cannot find.

TESTFLEET_SKIPS names a file this appends each skip report to, "own ID" or "sub ID" (a
subtest's): the JUnit XML cannot tell a test's own skip from its subtests'.
"""
import inspect
import os
import sys

import pytest

_IDS = os.environ.pop("TESTFLEET_ONLY", None)
_SKIPS = os.environ.pop("TESTFLEET_SKIPS", None)
# "1": the ids' files are the arguments and the granted ids are picked from what collection made
# (see PytestAdapter.run); otherwise the ids themselves are.
_WITHIN_FILES = os.environ.pop("TESTFLEET_ONLY_WITHIN_FILES", "") == "1"
_GRANTED = None
# Whether pytest-dependency is loaded: a batch then keeps the tests its ids depend on.
_DEPENDENCIES = False
# A mirror of the suite's directory to work in once pytest has started in the directory itself
# (a retry's, a local worker's own): see _enter_work_directory.
_WORK_DIR = os.environ.pop("TESTFLEET_WORK_DIR", "")


_ENTERED = [False]


def _enter_work_directory():
    """Works in the mirror from here on: the rootdir, the arguments (resolved against the
    directory pytest was started in) and every path made from a module's __file__ stay the
    suite directory's, so node ids do too; what a test makes under its working directory goes
    to the mirror."""
    _enter_once(_ENTERED, _WORK_DIR)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before the conftests import anything (see _enters_work_directory_early)."""
    if _enters_work_directory_early(early_config):
        _enter_work_directory()


def pytest_sessionstart(session):
    _enter_work_directory()


def pytest_runtest_logreport(report):
    if _SKIPS is None or not report.skipped:
        return
    with open(_SKIPS, "a", encoding="utf-8") as skips:
        skips.write(("sub " if _is_subtest(report) else "own ") + report.nodeid + "\n")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    global _GRANTED, _DEPENDENCIES
    _own_runs(config)
    _anchor_ignored_paths(config)
    if _IDS is None:
        return
    with open(_IDS, encoding="utf-8") as ids:
        granted = [line for line in ids.read().split("\n") if line]
    _rewrite_as_a_plain_run(config, config.args)
    _DEPENDENCIES = _loads_dependency_plugin(config)
    if _WITHIN_FILES or _DEPENDENCIES:
        _GRANTED = set(granted)
        config.args = list(dict.fromkeys(nodeid.split("::", 1)[0] for nodeid in granted))
    else:
        config.args = granted


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Within files: after every other plugin made its items (SQLAlchemy's per-backend classes
    exist only from its own modifyitems on), keeps the granted ones, and the tests their
    pytest-dependency marks name (see PytestOnlyPlugin+Dependencies)."""
    if _GRANTED is None:
        return
    kept = _granted_with_dependencies(items, _GRANTED)
    if len(kept) < len(items):
        keeping = set(item.nodeid for item in kept)
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in keeping])
        items[:] = kept
"""#
}
