extension PytestWarmPlugin {
    /// The part of the plugin's source that runs a grant's items (in the session, or in a child
    /// of a fork server), reads the worker's requests, and gives back a grant's tests after a
    /// point, not yet started, when the coordinator wants them for a worker that ran out of
    /// work. Appended to `source`: one module.
    static let runningSource = #"""

class _Discard(io.TextIOBase):
    """A text file that keeps nothing (and holds no descriptor to leave open at exit)."""

    def write(self, text):
        return len(text)


def _silence_terminal(config):
    """Points the terminal reporter at nothing. A session's results go over the result pipe; its
    progress (a dot per test, flushed) went to the output pipe, where each write woke the worker
    and cost both processes a switch per test for text no one reads. What a test itself writes
    outside capture, and a crash's report (the fault handler writes to the descriptor), still
    reach the output pipe. A pytest without _pytest._io.TerminalWriter is left as it is."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    try:
        from _pytest._io import TerminalWriter
    except ImportError:
        return
    if reporter is not None and hasattr(reporter, "_tw"):
        reporter._tw = TerminalWriter(_Discard())


def _run_forked(session, order, results, requests):
    """Runs `order` in a child forked from this server, which never runs a test itself. The
    child reads the server's `requests` while the server waits for it, so the worker's reclaims
    of a first attempt's tests reach it as they reach a session (see _run)."""
    sys.stdout.flush()
    sys.stderr.flush()
    known = _regex_keys()
    learned = _learning_file()
    # The server's objects move to the collector's permanent generation: a child's collections
    # then never walk (and so copy-on-write copy) the pages of every object it inherited.
    # inspect's module cache, which a failure's report fills (inspect.getmodule: the real path
    # of every loaded module's file, 40 ms of a Django suite's 60 ms retry), is filled here once
    # and inherited, instead of filled again by every child.
    inspect.getmodule(None, "<testfleet: fill inspect's module cache before the fork>")
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        status = _CHILD_DONE
        try:
            _reseed_after_fork()
            _enter_child_directory()
            _unfreeze_when_observed()
            _own_basetemp(session.config)
            _run(order, results, requests, child=True)
            results.flush()
            _save_learned(learned, known)
        except BaseException:  # pytest.exit() or a crash of the protocol itself: the server says so
            import traceback
            traceback.print_exc()
            status = 70
        finally:
            _release_basetemp(session.config)
            os._exit(status)
    status = _wait_for_child(pid)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _CHILD_DONE:
        _send(results, {"done": len(order)})
    elif os.WIFSIGNALED(status):
        _send(results, {"died": "killed by signal %d" % os.WTERMSIG(status)})
    else:
        _send(results, {"died": "exit status %d" % os.WEXITSTATUS(status)})
    # After the answer: the worker has the grant's results while this server compiles.
    _learn_from_child(learned)


def _wait_for_child(pid):
    """The exit status of child `pid`, once it ended."""
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:
            continue


_WORK_DIR_ENTERED = [False]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before the conftests import anything (see _enters_work_directory_early)."""
    if not _ACTIVE:
        return
    _PROJECT_ROOTS.append(str(early_config.rootpath) + os.sep)
    if _TWIN_FDS and not _FORK:
        _watch_getcwd()
    if _enters_work_directory_early(early_config):
        _enter_work_directory()


def _enter_work_directory():
    """Works in the worker's own mirror of the suite's directory from now on, when it has one
    (a local run's workers after the first). pytest started in the suite's directory, so the
    rootdir, the test files it imports and every path made from a module's __file__ are the
    directory's own, and so are the node ids: a parameter made from such a path is part of an
    id (gunicorn's request files, globbed beside the test module), and pytest 9.2 replaces one
    longer than 100 characters by the argument's name and index, so a mirror's longer path
    changed ids outright. What a test makes under its working directory goes to the mirror.
    Entered before the initial conftests load where pytest allows (pytest_load_initial_conftests),
    else when the session starts running."""
    if not _WORK_DIR or _WORK_DIR_ENTERED[0]:  # only the call that moves says where it went
        return
    error = _enter_once(_WORK_DIR_ENTERED, _WORK_DIR)
    if error is None:
        _CHILD_DIR[1] = os.getcwd()
    else:
        sys.stderr.write("testfleet: working in %s (cannot enter its mirror: %s)\n" % (os.getcwd(), error))


def _enter_child_directory():
    """A fork server's child (a retry, a confirmation run, a test run alone) works in the
    worker's mirror of the suite's directory, as a retry on another worker works in that
    worker's checkout: what it makes under its working directory (alembic's setup_class stages
    "scratch/scripts", which must not exist yet) is not what a warm session of this worker,
    which may hold its own staging (a class kept set up) or be making it now, works with. Only
    a child of a server still in the directory it works in moves; what was imported stays
    imported from where it was, and ids stay the server's (see _enter_work_directory)."""
    directory, started = _CHILD_DIR
    if not directory or os.getcwd() != started:
        return
    try:
        os.chdir(directory)
        os.environ["PWD"] = directory
    except OSError as error:
        sys.stderr.write("testfleet: staying in %s (cannot enter its mirror: %s)\n" % (started, error))


def _reseed_after_fork():
    """A fresh process draws fresh random numbers: `random` reseeds itself in a forked child
    (os.register_at_fork); numpy's global generator, when loaded, is reseeded here."""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        try:
            numpy_random.seed()
        except Exception:
            pass


# The gc functions whose answers the server's gc.freeze() would change for a child's tests.
_GC_OBSERVERS = ("collect", "get_objects", "get_referrers", "get_freeze_count")


def _unfreeze_when_observed():
    """The server froze its objects before the fork (see _run_forked), which also hides them:
    gc.get_objects() and gc.get_referrers() leave them out and no collection frees them. A test
    that looks for an object it did not make (dill finds a weakly referenced function by its id
    in gc.get_objects()) or that drops a cycle made at import and collects would see what no
    fresh process shows. The first call of one of those in the child unfreezes everything, puts
    gc's own functions back and answers as a fresh process would; a child that calls none keeps
    the frozen heap's saving."""
    originals = {name: getattr(gc, name) for name in _GC_OBSERVERS if hasattr(gc, name)}

    def observed(original):
        def first_call(*args, **kwargs):
            for name, function in originals.items():
                setattr(gc, name, function)
            gc.unfreeze()
            return original(*args, **kwargs)
        first_call.__name__ = original.__name__
        first_call.__doc__ = original.__doc__
        return first_call

    for name, original in originals.items():
        setattr(gc, name, observed(original))


def _run(order, results, requests, child=False):
    """Runs `order`, saying which test starts first and, with each result, which starts next:
    one line (one wakeup of the worker) per test, where a start line of its own made two.
    Between tests it answers the worker's reclaims from `requests`, a fork server's `child`
    too (it reads the server's requests while the server waits for it): a first build's tests
    behind a session's place run in such a child, and one that held a file's slow tests kept
    them all while the other worker sat idle (tenacity 9.0.0: 0.9 s of a 2.5 s build)."""
    if order:
        if not child:
            _teardown_towards(order[0])
        _send(results, {"start": _name(order[0])})
    # A long-lived session keeps what a grant's last test was set up with until the worker says
    # what comes next (see _settle); a forked child ends with its grant and tears down all, as
    # does a pytest before 7.0 (it tears down towards the next test by itself).
    holds = not child and bool(order) and _modern_setup_state(order[0].session)
    index = 0
    while index < len(order):
        item = order[index]
        index += 1
        following = order[index] if index < len(order) else None
        _reports.pop(item.nodeid, None)
        if _dependency_plugin[0]:  # only pytest-dependency's marks ask what ran here (_with_dependencies)
            _ran_here.add(_id_of(item))
        _session_setup[0] = 0.0
        beyond = following
        if following is None and not child:
            beyond = _parents_of(item) if holds else _session_level(item)
        started = _CLOCK[0]()
        item.ihook.pytest_runtest_protocol(item=item, nextitem=beyond)
        elapsed = _CLOCK[0]() - started
        if following is not None:
            # A reclaim that came while the test ran is answered before its result, so a
            # hand-back may take `following` too (see _hand_back).
            for request in requests.poll():
                if "drop_after" in request:
                    _hand_back(order, index, request, results)
                elif "drop" in request:
                    _drop_given(order, index, request, results)
            if index == len(order):
                if child:  # its grant's last test now: everything goes, as after nextitem=None
                    _teardown_after(item, everything=True)
                elif not holds:
                    _teardown_after(item)
                following = None
        if following is None and holds:
            _settle(item, results, requests)
        reports = _reports.pop(item.nodeid, [])
        outcome = _outcome(reports)
        # The test's own time: not the session-scoped fixtures its setup happened to make, and
        # never more than the real time it took (pytest measures with the clock a test may fake:
        # freezegun's test_min_and_max reported 1.3e9 s, and was then planned as a long test).
        duration = min(sum(getattr(r, "duration", 0.0) for r in reports), elapsed)
        message = {"result": _name(item), "outcome": outcome,
                   "duration": max(0.0, duration - _session_setup[0]),
                   "output": _output(reports, outcome)}
        if _session_setup[0] >= 0.001:  # what the process paid once, in this test's setup
            message["session_setup"] = round(_session_setup[0], 6)
        if following is not None:
            message["next"] = _name(following)
        _send(results, message)


class _Requests:
    """The worker's requests, one JSON object per line, read from the raw descriptor: a grant
    ({"ids"}) between grants, and a reclaim ({"drop_after"}) while one runs, which `poll` sees
    without blocking (a buffered file object could hold it where select() cannot see it)."""

    def __init__(self, fd):
        self._fd = fd
        self._buffer = bytearray()
        self._requests = []
        self._ended = False

    def _read(self):
        chunk = os.read(self._fd, 1 << 16)
        if not chunk:
            self._ended = True
        self._buffer += chunk
        *lines, rest = self._buffer.split(b"\n")
        self._buffer = bytearray(rest)
        self._requests += [json.loads(line) for line in lines if line.strip()]

    def next(self):
        """The next request, waiting for it; None once the worker closed the pipe."""
        while not self._requests and not self._ended:
            self._read()
        return self._requests.pop(0) if self._requests else None

    def waiting(self, timeout, wake=None):
        """Whether a request, or the pipe's end, came within `timeout` seconds; False as soon as
        descriptor `wake` is readable (it is not read)."""
        if not self._requests and not self._ended:
            ready = select.select([self._fd] + ([wake] if wake is not None else []), [], [], timeout)[0]
            if self._fd in ready:
                self._read()
        return bool(self._requests) or self._ended or bool(self._buffer)

    def poll(self):
        """The requests that have arrived, without waiting."""
        while not self._ended and select.select([self._fd], [], [], 0)[0]:
            self._read()
        taken, self._requests = self._requests, []
        return taken

    def close(self):
        os.close(self._fd)


def _hand_back(order, index, request, results):
    """Gives back the tests of `order` after request["drop_after"] that have not started (with
    "alternate", every other one of them), once order[index - 1] has run: they are cut from
    `order` and listed in the answer. order[index] may go too, though pytest kept what it needs
    set up (it was named the ended test's next item): the caller then settles as after a grant's
    last test (_settle). Keeping it would leave a lease's last two tests together for good:
    fasteners' first build ran two 5 s tests one after the other in one session while the other
    idled, since the second was always the one set up."""
    ids = [_name(item) for item in order]
    try:
        cut = ids.index(request["drop_after"]) + 1
    except ValueError:
        cut = len(ids)  # not in this grant: nothing to give back
    cut = max(cut, index)
    if request.get("alternate"):
        # Every other test of the tail (its second, fourth, …: Reclaim.partition's rule): the
        # first stays, so pytest's next test is still the one it set up for.
        dropped = ids[cut + 1::2]
        del order[cut + 1::2]
    else:
        dropped = ids[cut:]
        del order[cut:]
    _send(results, {"dropped": dropped, "reclaim": request.get("reclaim")})


def _drop_given(order, index, request, results):
    """Cuts from `order` the tests the worker already gave back (request["drop"]: it answered
    the coordinator while a long test ran here, see GrantReclaim) that have not started, once
    order[index - 1] has run. order[index], the test pytest set up for next, goes only with
    everything after it, so the next test run is still the one set up for; one given back that
    started here anyway runs, and the worker drops its result."""
    given = set(request["drop"])
    if all(_name(item) in given for item in order[index:]):
        dropped = [_name(item) for item in order[index:]]
        del order[index:]
    else:
        start = index + 1
        dropped = [_name(item) for item in order[start:] if _name(item) in given]
        order[start:] = [item for item in order[start:] if _name(item) not in given]
    _send(results, {"dropped": dropped, "reclaim": request.get("reclaim")})


def _teardown_after(item, nextitem=None, everything=False):
    """Tears down what pytest kept set up after `item` that `nextitem` (None: the session level
    only, see _session_level; with `everything`, the session too) does not share, as pytest
    tears down after a test. A finalizer that fails makes `item` an error, as pytest reports a
    failing teardown after the last test that used what it tore down; the caller reports `item`
    after this."""
    towards = None if everything else nextitem or _session_level(item)
    call = _teardown_call(lambda: _teardown_exact(item.session, item, towards))
    if call.excinfo is not None:
        item.ihook.pytest_runtest_logreport(report=item.ihook.pytest_runtest_makereport(item=item, call=call))


def _settle(item, results, requests):
    """After a grant's last test, run with its module and class kept set up (_parents_of): asks
    the worker which test this session runs next ({"holding": id}; the answer is {"towards": id},
    or null when none is known) and tears down what that test does not share, before `item`'s
    result goes out. So a file split between two grants of one session makes its module's
    fixtures once, as a plain run does, and a module teardown that fails is still `item`'s
    error. A reclaim that comes meanwhile has nothing left to take; a worker that is gone is
    taken as "none"."""
    _send(results, {"holding": _name(item)})
    towards = None
    while True:
        request = requests.next()
        if request is None:
            break
        if "towards" in request:
            towards = request["towards"]
            break
        if "drop_after" in request or "drop" in request:
            _send(results, {"dropped": [], "reclaim": request.get("reclaim")})
    _teardown_after(item, _towards(item, towards))
"""#
}
