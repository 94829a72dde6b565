extension PytestWarmPlugin {
    /// The part of the plugin's source that keeps a warm session's session-scoped fixtures set
    /// up from one grant to the next, as a plain run (or a pytest-xdist worker) keeps them for
    /// its whole life, and tears them down once, when the worker closes the session. Appended
    /// to `source`: one module.
    ///
    /// Why: a grant's last test used to run with no next item, so pytest tore everything down
    /// after it, and the next grant set the session's fixtures up again. Suites whose session
    /// fixtures cannot be made twice in one process broke: djangorestframework (pytest-django)
    /// failed 213 tests on their first attempt, each creating its test database a second time
    /// ("near None: syntax error"), which a plain run never does. And every grant paid for them
    /// again. Module- and class-scoped fixtures are still torn down at a grant's end: a failing
    /// teardown of theirs is then reported against the grant's last test, as a plain run reports
    /// it against the last test that used them. Only the session's teardown is deferred, as in
    /// a plain run, to the session's end (`_end_session`).
    static let sessionScopeSource = #"""

def _is_session_level(node):
    """The collectors whose set-up a grant's end keeps: the session and the plain directories
    above the first package or module (pytest 8's Dir nodes set nothing up of their own; a
    package-scoped fixture outside any package is the session's)."""
    return getattr(node, "session", None) is node or type(node).__name__ == "Dir"


class _SessionLevel:
    """Stands for the next test of a grant's last test, which the session does not know yet
    (the next grant may never come): pytest keeps set up exactly what its listchain() names,
    the session-level part of the test's own chain. Anything else asked of it is its deepest
    node's (a plugin may read nextitem.nodeid)."""

    def __init__(self, item):
        chain = item.listchain()
        kept = []
        for node in chain:
            if not _is_session_level(node):
                break
            kept.append(node)
        self._chain = kept or chain[:1]

    def listchain(self):
        return list(self._chain)

    def __getattr__(self, name):
        return getattr(self._chain[-1], name)


def _modern_setup_state(session):
    """Whether pytest's SetupState is 7.0's or later: teardown_exact(nextitem), where an older
    one takes (item, nextitem) and tears down towards the next test by itself."""
    return len(inspect.signature(session._setupstate.teardown_exact).parameters) == 1


def _teardown_exact(session, item, nextitem):
    """Tears down what `nextitem` (None: nothing) does not share, after `item`, on either pytest."""
    state = session._setupstate
    if _modern_setup_state(session):
        state.teardown_exact(nextitem)
    else:
        state.teardown_exact(item, nextitem)


def _teardown_call(how):
    """Runs `how` as pytest runs a teardown phase; its CallInfo (excinfo set when it failed)."""
    from _pytest.runner import CallInfo
    return CallInfo.from_call(how, when="teardown",
                              reraise=(KeyboardInterrupt, getattr(pytest.exit, "Exception", KeyboardInterrupt)))


def _failure_text(call):
    return None if call.excinfo is None else str(call.excinfo.getrepr(style="short"))


def _teardown_towards(item):
    """Before a grant's first test: tears down what the session kept that `item` does not share
    (another directory's Dir nodes, which hold nothing; the session always stays). pytest 7+
    asserts that the set-up stack is a prefix of the next test's chain; an older pytest tears
    down towards the next test by itself."""
    if not _modern_setup_state(item.session) or not getattr(item.session._setupstate, "stack", None):
        return
    error = _failure_text(_teardown_call(lambda: _teardown_exact(item.session, item, item)))
    if error is not None:
        sys.stderr.write("testfleet warm session: tearing down before %s failed:\n%s\n" % (item.nodeid, error))


def _end_session(session, results):
    """The worker closed the session: tears down what it kept (the session-scoped fixtures), as
    a plain run does after its last test, and says whether that failed ({"ended": ...,
    "teardown": text}). The worker waits a moment for this before it kills the session."""
    message = {"ended": True}
    if getattr(session._setupstate, "stack", None):
        error = _failure_text(_teardown_call(lambda: _teardown_exact(session, session, None)))
        if error is not None:
            message["teardown"] = error[-4000:]
    try:
        _send(results, message)
    except OSError:
        pass  # the worker is gone: nobody to tell
"""#
}
