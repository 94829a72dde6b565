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

    static let source = pluginSource + subtestSource

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
import os

import pytest

_IDS = os.environ.pop("TESTFLEET_ONLY", None)
_SKIPS = os.environ.pop("TESTFLEET_SKIPS", None)
# "1": the ids' files are the arguments and the granted ids are picked from what collection made
# (see PytestAdapter.run); otherwise the ids themselves are.
_WITHIN_FILES = os.environ.pop("TESTFLEET_ONLY_WITHIN_FILES", "") == "1"
_GRANTED = None
# A mirror of the suite's directory to work in once pytest has started in the directory itself
# (a retry's, a local worker's own): see pytest_sessionstart.
_WORK_DIR = os.environ.pop("TESTFLEET_WORK_DIR", "")


def pytest_sessionstart(session):
    """Works in the mirror from here on: the rootdir, the arguments (resolved against the
    directory pytest was started in) and every path made from a module's __file__ stay the
    suite directory's, so node ids do too; what a test makes under its working directory goes
    to the mirror."""
    if _WORK_DIR:
        try:
            os.chdir(_WORK_DIR)
            os.environ["PWD"] = _WORK_DIR
        except OSError:
            pass


def pytest_runtest_logreport(report):
    if _SKIPS is None or not report.skipped:
        return
    with open(_SKIPS, "a", encoding="utf-8") as skips:
        skips.write(("sub " if _is_subtest(report) else "own ") + report.nodeid + "\n")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    global _GRANTED
    if _IDS is None:
        return
    with open(_IDS, encoding="utf-8") as ids:
        granted = [line for line in ids.read().split("\n") if line]
    if _WITHIN_FILES:
        _GRANTED = set(granted)
        config.args = list(dict.fromkeys(nodeid.split("::", 1)[0] for nodeid in granted))
    else:
        config.args = granted


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Within files: after every other plugin made its items (SQLAlchemy's per-backend classes
    exist only from its own modifyitems on), keeps the granted ones."""
    if _GRANTED is None:
        return
    kept = [item for item in items if item.nodeid in _GRANTED]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in _GRANTED])
        items[:] = kept
"""#
}
