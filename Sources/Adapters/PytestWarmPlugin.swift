import Foundation

/// The pytest plugin a warm session loads (`-p testfleet_warm`, its directory first on
/// `PYTHONPATH`). It is written into the worker's cache directory once per content, so an
/// upgraded testfleet never runs an old copy. Its protocol is in its docstring.
enum PytestWarmPlugin {
    static let moduleName = "testfleet_warm"

    /// Writes the plugin under `cacheDirectory` and returns the directory to put on `PYTHONPATH`.
    static func install(under cacheDirectory: String) throws -> String {
        try PythonPluginFile.install(source, moduleName: moduleName, under: cacheDirectory)
    }

    /// The plugin's Python source.
    static let source = #"""
"""testfleet's warm pytest session (loaded with -p testfleet_warm; written by the worker).

The process imports and configures once, skips the initial collection, then serves grants: a
request is one JSON line on fd TESTFLEET_WARM_IN ({"ids": [...]}, and with a build's first
grant "import": [the test files of the build's tests], imported first, see _import_modules; an
{"import"} alone is answered by nothing, see the twin below); what a grant names is
collected the first time a grant names it (each id's top-level class or function under its
file's one module node, see _collect_for; whole files on a pytest before 8.0) and its items are
kept, as pytest-xdist's workers keep theirs (collecting a file a second time in one session is
not what a plain run does, and it can differ: a conftest's parametrised fixtures, for one, are
not applied again). The grant's
items are run through pytest's own pytest_runtest_protocol hook, one JSON line per event on fd
TESTFLEET_WARM_OUT: {"start": id} before the grant's first test, {"result": id, "outcome",
"duration", "output", "next": id} after each test ("next" names the test that starts now, absent
after the last), {"missing": [ids]} for ids collection did not yield, {"done": n} at the grant's
end. Before the last test's result the session says {"holding": id} and waits for {"towards":
id} (null when the worker does not know), the test it runs next: it keeps the last test's module
and class set up as far as that test shares them, as a plain run would (see _settle). An id
that collection no longer yields because its parametrisation id is made from a value
that changes between collections (the time, a random number, an address) is run as the item that
now stands in its place, and reported under the id asked for ({"stand_ins": {id: item id}} says
which; see _stand_ins).
A module skipped whole is one skipped result and a module (or class) that cannot be collected
one error result (with pytest's collection report), each named as the inventory names it, as a
plain run reports them.
The worker watches each test's own timeout and restarts the process when a test kills it.
While a grant runs the worker may send {"drop_after": id, "reclaim": n} (and "alternate": true): when
its running test ends the session gives back the grant's tests after `id` that have not started
(or every other one of them), and says which with
{"dropped": [ids], "reclaim": n} (see _hand_back). {"drop": [ids], "reclaim": n} names the
tests the worker has already given back, while a test ran (see _drop_given). One that arrives
after the grant ended is ignored: the grant's {"done"} told the worker that nothing was given back.
A fork server's child answers them too (it reads the server's requests while the server waits).

With TESTFLEET_WARM_FORK=1 the process is a fork server (a "zygote") for retries and
confirmation runs: it imports, configures and collects like a warm session but never runs a
test itself; each grant's tests run in a child forked after collection, so every grant starts
from a process in which no test ever ran (what a fresh pytest process gives, at the cost of a
fork). The child writes the start and result lines; the server writes {"done": n} after the child
exited normally, or {"died": why} (and no "done") when it crashed or exited early.

With TESTFLEET_WARM_LIST=PATH the session collects the whole suite before it says it is ready
and writes the node ids, as `pytest --collect-only` would list them (a module that cannot be
imported, a class that cannot be collected and a test module skipped whole are one id each), to PATH as a JSON list (atomically),
or why it could not to PATH.failed; its grants then collect nothing. A build's first plan takes
its tests from there: collecting once per worker, as pytest-xdist does, instead of once more.

With TESTFLEET_WARM_SHARD="I/N" as well, the listing collects only this session's share of the
suite's files (share I of N; another session collects each other share), so a fleet of N
sessions makes each file's items once instead of N times (most of collection's cost: networkx's
test modules import in 0.5 s and collect in 13 s). Each file pytest would collect goes, in
collection order, to the share that holds the fewest bytes of source so far (ties: the lowest),
which every session computes alike. A test module of another share reports no items, but it is
still imported before this session's first test (errors and skips ignored: its own share
reports them), as a plain run imports every test module before its first test; suites rely on
that (jsonschema's test_import_cli passes only once test_cli.py has imported jsonschema.cli).
By then its own share has rewritten its asserts and cached the result (on disk, see
TESTFLEET_WARM_REWRITE_CACHE), which is most of what importing it costs. PATH then gets {"files": [every file's id, in collection order],
"ids": [this share's test ids], "modules": [its modules listed as one id each]}, for the reader
to merge the N listings in the order one session's whole listing has. When the suite's plugins
moved tests between files (no merge can rebuild that order), the session collects the rest of
the suite too and writes the whole listing, {"ids": [...]}, which the reader takes as it is. A pytest
without directory collectors (before 8.0) collects everything and writes {"ids": [...]}. Files
of other shares are collected as usual when a grant names them.

With TESTFLEET_WORK_DIR=DIR the process works in DIR, a mirror of the suite's directory, once
pytest has started in the directory itself (see _enter_work_directory); with
TESTFLEET_WARM_CHILD_DIR=DIR a fork server's children work in DIR (see _enter_child_directory).

With TESTFLEET_WARM_REWRITE_CACHE=DIR and bytecode writing off (PYTHONDONTWRITEBYTECODE), the
modules pytest rewrites (conftest files, plugins, test modules) and every module without fresh
bytecode beside its source (the project's own, above all) are cached under DIR, the source's
absolute path mirrored below it, instead of compiled again by every process (see
_cache_bytecode).

With TESTFLEET_WARM_TWIN="IN,OUT,OUTPUT" (three more descriptors) a warm session also forks its
twin: a fork server, in a session of its own, that talks over IN and OUT and writes its output
(and its children's) to OUTPUT, for the cost of a fork instead of a second pytest start-up. It
is forked at the session's first request (a grant, or an {"import"} the worker sends ahead of
the tests it runs in the fork server first), once the session imported the build's test modules
and before it runs a test (or, when no request came within _TWIN_IDLE_S of the ready line, as
the session is then): a retry in the twin's child then starts where a plain run's first test
starts, every test module imported, and its server imports and collects nothing again (a
Django suite's retries paid 0.1 CPU-s per module and server). Its ready line carries its "pid".
"""
import gc
import inspect
import io
import json
import marshal
import os
import pathlib
import re
import select
import sys
import time
import warnings

import pytest

# The real clock, out of reach of tests that fake time: freezegun replaces every module attribute
# that is `time.monotonic` (and `time` and `perf_counter`, pytest's own included) while a test
# runs, but not a function kept inside a tuple.
_CLOCK = (time.monotonic,)
# `open` as it was at import, for the files the plugin itself reads and writes: a test may replace
# builtins.open (monkeypatch), and its stand-in is still in place while an import it triggers
# looks for bytecode (_fresh_beside) and while pytest reports its failure (_kept_range). Python's
# own import system never goes through builtins.open.
_open_file = open

# Taken out of the environment at once: a test's subprocesses must not see them.
_CHANNELS = (os.environ.pop("TESTFLEET_WARM_IN", None), os.environ.pop("TESTFLEET_WARM_OUT", None))
_CAP = os.environ.pop("TESTFLEET_WARM_OUTPUT_CAP", "1048576")
_ACTIVE = _CHANNELS[0] is not None and _CHANNELS[1] is not None
_FORK = os.environ.pop("TESTFLEET_WARM_FORK", "") == "1"
_TWIN_FDS = tuple(int(fd) for fd in os.environ.pop("TESTFLEET_WARM_TWIN", "").split(",") if fd)
# Seconds a session waits for its first request before it forks its twin as it is (see the docstring).
_TWIN_IDLE_S = float(os.environ.pop("TESTFLEET_WARM_TWIN_IDLE_S", "") or 1.0)  # the variable: for tests
_LIST = os.environ.pop("TESTFLEET_WARM_LIST", "")
_SHARD = os.environ.pop("TESTFLEET_WARM_SHARD", "")
_REWRITE_CACHE = os.environ.pop("TESTFLEET_WARM_REWRITE_CACHE", "")
# Where the process works once pytest has started (a local worker's own mirror of the suite's
# directory: see _enter_work_directory), and where a fork server's children work (the worker's
# mirror for them) when their server works where it started or was sent (see
# _enter_child_directory).
_WORK_DIR = os.environ.pop("TESTFLEET_WORK_DIR", "")
_CHILD_DIR = [os.environ.pop("TESTFLEET_WARM_CHILD_DIR", ""), os.getcwd()]
# The directory pytest started in: a module may keep it, imported before the process moved.
_STARTED_IN = os.getcwd()
# A forked child's exit status once it reported every test of its grant.
_CHILD_DONE = 77
_reports = {}
# The last collection's reports by node id, and how many of them were skips or failures: one
# file's collectors share its node id (a Module and a DoctestModule under --doctest-modules), and
# a plain run counts each one's skip or error (see _with_twins).
_collected = {}
_collected_count = {}
# Items by node id, and the skip report of each file skipped whole (or the failed report of each
# file that could not be collected), for the files collected so far.
_items = {}
_skipped_files = {}
_broken_files = {}
# The failed report of each class (or other collector below a module) that could not be collected.
_broken_collectors = {}
_files_done = set()
# The test files imported without being collected (_import_modules, a sharded listing's others),
# and the other shares' modules a listing found, which the first grant imports (_import_deferred).
_imported = set()
_deferred = []
# The units (see _unit_of) collected so far, and whether a grant collects units or whole files.
_units_done = set()
_by_unit = False
# This session's share of the files while a sharded listing collects (see _Shares), else None.
_shares = None


def _open_channels():
    fd_in, fd_out = int(_CHANNELS[0]), int(_CHANNELS[1])
    for fd in (fd_in, fd_out):
        # Tests that start subprocesses must not inherit the worker's pipes.
        os.set_inheritable(fd, False)
    return fd_in, os.fdopen(fd_out, "w", encoding="utf-8", buffering=1)


def _send(channel, message):
    channel.write(json.dumps(message, ensure_ascii=False) + "\n")
    channel.flush()


def _cap():
    try:
        return max(0, int(_CAP))
    except ValueError:
        return 1048576


def _outcome(reports):
    """testfleet's outcome word for one test's reports, as pytest's JUnit XML would have it."""
    for report in reports:
        # A subtest's xfail leaves the test passed, as pytest counts it (its skip too, below).
        if hasattr(report, "wasxfail") and not _is_subtest(report):
            if report.skipped:
                return "xfailed"
            if report.passed and report.when == "call":
                return "xpassed"
    for report in reports:
        if report.when == "setup" and report.failed:
            return "error"
    if any(r.when == "call" and r.failed for r in reports):
        return "failed"
    # A subtest's skip leaves the test passed, as pytest counts it (see PytestOnlyPlugin).
    if any(r.skipped and not _is_subtest(r) for r in reports):
        return "skipped"
    if any(r.failed for r in reports):
        return "error"
    return "passed" if reports else "error"


def _text(report):
    """A report's long representation; a skip's is its reason (pytest keeps a tuple)."""
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])
    return report.longreprtext


def _output(reports, outcome):
    if outcome == "passed":
        return ""
    parts = []
    for report in reports:
        if report.failed or report.skipped:
            text = _text(report)
            if text:
                parts.append(text)
    last = reports[-1] if reports else None
    if last is not None:
        for title, content in last.sections:
            parts.append("----------------------------- " + title + " -----------------------------\n" + content)
    text = "\n".join(parts)
    cap = _cap()
    return text[-cap:] if len(text) > cap else text


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if _ACTIVE:
        _own_runs(config)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    if not _ACTIVE:
        return None
    session.items = []
    return True


def pytest_collectreport(report):
    if _ACTIVE:
        # A file's collectors share its node id (a Module and a DoctestModule): one that passed
        # does not hide another's skip or error, which a plain run counts.
        earlier = _collected.get(report.nodeid)
        if not report.passed or earlier is None or earlier.passed:
            _collected[report.nodeid] = report
        if not report.passed:
            _collected_count[report.nodeid] = _collected_count.get(report.nodeid, 0) + 1


# Seconds the running test's setup spent making session-scoped fixtures, and whether one is being
# made now (see pytest_fixture_setup).
_session_setup = [0.0, False]


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Times the making of session-scoped fixtures, which a process does once, in the setup of
    whichever test needs them first: that test's reported duration leaves it out (see _run).
    Counted in, pytest-django's test database made the first test of every process look long
    (0.3 s idle, 2.4 s under load), so the next build ran it alone, in a child that made the
    database again, and the next build's first tests went alone too: more each build."""
    if not _ACTIVE or fixturedef.scope != "session" or _session_setup[1]:
        yield
        return
    import time
    _session_setup[1] = True
    start = time.perf_counter()
    try:
        yield
    finally:
        _session_setup[1] = False
        _session_setup[0] += time.perf_counter() - start


def pytest_runtest_logreport(report):
    if _ACTIVE:
        _reports.setdefault(report.nodeid, []).append(report)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    if not _ACTIVE:
        return None
    _silence_terminal(session.config)
    _anchor_ignored_paths(session.config)
    _enter_work_directory()
    _keep_source_trees()
    twin = bool(_TWIN_FDS) and not _FORK
    if twin:
        for fd in _TWIN_FDS:
            os.set_inheritable(fd, False)  # a subprocess started by an import must not hold them
    requests, results = _open_channels()
    requests = _Requests(requests)
    global _by_unit
    kept = _keep_directory_collectors(session)
    _by_unit = kept
    if _LIST and not _FORK:
        _list_everything(session, _LIST, can_share=kept)
    _send(results, _ready_line())
    status = 0
    try:
        while True:
            # A session with a twin to fork waits for its first request only so long.
            # A retry waiting for the twin writes on the twin's pipe: it is forked at once.
            idle = twin and not requests.waiting(_TWIN_IDLE_S, wake=_TWIN_FDS[0])
            request = {} if idle else requests.next()
            if request is None:
                break
            if "import" in request:
                _import_modules(session, request["import"])
            if twin:
                twin = False
                if not idle:  # idle, the other shares may still be listing (see _import_deferred)
                    _import_deferred(session)
                kept = _kept_working_directory()
                channels = _fork_twin(requests, results) if kept is None else _refuse_twin(kept)
                if channels is not None:  # the twin: the request, if any, is the session's
                    requests, results = channels
                    _send(results, _ready_line())
                    continue
            if "ids" in request:  # a reclaim that came after its grant ended: the worker knows
                _serve(session, request["ids"], results, requests)
    except BaseException:  # pytest.exit() in a test, a broken pipe, a bug here: said, then the end below
        import traceback
        traceback.print_exc()
        status = 70
    # Nothing of pytest's session end is a warm process's to do: a fork server ran no test, and
    # a session's set-up state is torn down here (_end_session); the rest (the cache plugin's
    # last-failed list from one session's share of the tests, junitxml, plugins importing and
    # caching bytecode after the run, which raced the removal of the worker's cache) would be a
    # partial run's report, not the build's. The exit comes whatever happens on the way: a
    # session whose worker is gone (its pipes broken) that went on into the interpreter's exit
    # could wait forever there on a test's leftover threads (seen with tqdm's).
    try:
        if not _FORK:
            _end_session(session, results)
        _release_basetemp(session.config)
        for channel in (requests, results):
            try:
                channel.close()
            except OSError:
                pass
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
    finally:
        os._exit(status)


def _serve(session, ids, results, requests):
    session.shouldfail = False
    session.shouldstop = False
    _known_ids.update(ids)
    _asked_ids.update(ids)
    _import_deferred(session)
    why = _collect_for(session, ids)
    by_id = {i: _items[i] for i in ids if i in _items}
    missing = []
    for node_id in ids:
        if node_id in by_id:
            continue
        report = _skipped_files.get(_file_of(node_id))
        broken = _broken_files.get(_file_of(node_id)) or _broken_collector_of(node_id)
        if report is not None:
            # A module skipped as a whole (importorskip): one skipped test, as in a plain run.
            _send(results, {"result": node_id, "outcome": "skipped", "duration": 0.0, "output": _text(report)})
        elif broken is not None:
            # A module (or a class) that cannot be collected: the id the inventory lists, or a
            # test id in it, is an error with pytest's collection report, as the cold path
            # reports it.
            _send(results, {"result": node_id, "outcome": "error", "duration": 0.0,
                            "output": _output([broken], "error")})
        else:
            missing.append(node_id)
    if missing:
        found = _stand_ins(missing, ids)
        if found:
            by_id.update(found)
            missing = [node_id for node_id in missing if node_id not in found]
            _send(results, {"stand_ins": {node_id: _id_of(item) for node_id, item in found.items()}})
    if missing:
        _send(results, {"missing": missing, "why": why or "not collected"})
    _aliases.clear()
    _aliases.update((_id_of(item), node_id) for node_id, item in by_id.items() if _id_of(item) != node_id)
    order = _with_dependencies(session, [by_id[i] for i in ids if i in by_id])
    if _FORK:
        _run_forked(session, order, results, requests)
    else:
        _run(order, results, requests)
        _send(results, {"done": len(order)})

"""# + collectingSource + listingSource + runningSource + bytecodeSource + regexSource + standInSource + sourceTreeSource + statementRangeSource + sessionScopeSource + twinSource
    + tempDirectorySource + collectionWarningSource + PytestOnlyPlugin.subtestSource + PytestOnlyPlugin.workDirectorySource
    + PytestOnlyPlugin.leftDirectorySource + PytestOnlyPlugin.ownRunsSource + PytestOnlyPlugin.dependencyNamesSource + dependencySource
}
