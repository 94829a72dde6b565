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


def _teardown_call(item, how):
    """Runs `how` as a teardown of pytest's set-up state; returns its error report's text, or
    None when it passed."""
    from _pytest.runner import CallInfo
    call = CallInfo.from_call(how, when="teardown",
                              reraise=(KeyboardInterrupt, getattr(pytest.exit, "Exception", KeyboardInterrupt)))
    if call.excinfo is None:
        return None
    return str(call.excinfo.getrepr(style="short"))


def _teardown_towards(item):
    """Before a grant's first test: tears down what the session kept that `item` does not share
    (another directory's Dir nodes, which hold nothing; the session always stays). pytest 7+
    asserts that the set-up stack is a prefix of the next test's chain; an older pytest tears
    down towards the next test by itself."""
    state = item.session._setupstate
    if len(inspect.signature(state.teardown_exact).parameters) != 1 or not getattr(state, "stack", None):
        return
    error = _teardown_call(item, lambda: state.teardown_exact(item))
    if error is not None:
        sys.stderr.write("testfleet warm session: tearing down before %s failed:\n%s\n" % (item.nodeid, error))


def _end_session(session, results):
    """The worker closed the session: tears down what it kept (the session-scoped fixtures), as
    a plain run does after its last test, and says whether that failed ({"ended": ...,
    "teardown": text}). The worker waits a moment for this before it kills the session."""
    state = session._setupstate
    message = {"ended": True}
    if getattr(state, "stack", None):
        if len(inspect.signature(state.teardown_exact).parameters) == 1:
            error = _teardown_call(session, lambda: state.teardown_exact(None))
        else:  # pytest before 7.0: teardown_exact(item, nextitem)
            error = _teardown_call(session, lambda: state.teardown_exact(session, None))
        if error is not None:
            message["teardown"] = error[-4000:]
    try:
        _send(results, message)
    except OSError:
        pass  # the worker is gone: nobody to tell
"""#
}
