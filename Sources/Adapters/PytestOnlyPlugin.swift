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

    /// Writes the plugin under `cacheDirectory` and returns the directory to put on `PYTHONPATH`.
    static func install(under cacheDirectory: String) throws -> String {
        try PythonPluginFile.install(source, moduleName: moduleName, under: cacheDirectory)
    }

    /// Whether pytest's output says it could not import the plugin (a command that sets its own
    /// `PYTHONPATH` hides testfleet's directory): the batch then runs without it.
    static func wasRefused(_ output: String) -> Bool {
        output.contains("Error importing plugin \"\(moduleName)\"")
    }

    static let source = #"""
"""testfleet's cold-run plugin (loaded with -p testfleet_only; written by the worker).

TESTFLEET_ONLY names a file of node ids, one per line: they become the run's arguments in place
of the files and directories the command line and addopts gave, so only they are collected and
run. Options, the rootdir and the ini file stay as pytest decided them from the original ones.
"""
import os

import pytest

_IDS = os.environ.pop("TESTFLEET_ONLY", None)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if _IDS is None:
        return
    with open(_IDS, encoding="utf-8") as ids:
        config.args = [line for line in ids.read().split("\n") if line]
"""#
}
