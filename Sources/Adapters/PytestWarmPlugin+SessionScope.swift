extension PytestWarmPlugin {
    /// The part of the plugin's source that keeps a warm session's fixtures set up from one grant
    /// to the next as far as its next test shares them, as a plain run (or a pytest-xdist worker,
    /// which holds its last item until more come) keeps them, and tears the session's down once,
    /// when the worker closes the session. Appended to `source`: one module.
    ///
    /// Why the session's: a grant's last test used to run with no next item, so pytest tore
    /// everything down after it, and the next grant set the session's fixtures up again. Suites
    /// whose session fixtures cannot be made twice in one process broke: djangorestframework
    /// (pytest-django) failed 213 tests on their first attempt, each creating its test database a
    /// second time ("near None: syntax error"), which a plain run never does.
    ///
    /// Why the module's and class's too: sphinx 8.1.3's module-scoped autouse fixture clears its
    /// shared build results each time it is made, while the built files stay on disk; made a
    /// second time in one process, for the same file's next grant, the next build of a shared
    /// project found nothing to do and `test_intl.py::test_xml_warnings` failed. So a grant's last
    /// test keeps its module and class set up and the session asks the worker which test it runs
    /// next (`_settle`): it tears down what that test does not share before it reports the last
    /// test, so a failing module teardown is still that test's error, as in a plain run. Only the
    /// session's teardown is deferred to the session's end (`_end_session`).
    static let sessionScopeSource = #"""

def _is_session_level(node):
    """The collectors whose set-up a grant's end keeps: the session and the plain directories
    above the first package or module (pytest 8's Dir nodes set nothing up of their own; a
    package-scoped fixture outside any package is the session's)."""
    return getattr(node, "session", None) is node or type(node).__name__ == "Dir"


class _ChainPrefix:
    """Stands for the next test of `item`, which the session may not have collected (or may
    never get): pytest keeps set up exactly what its listchain() names, the first nodes of the
    item's own chain that `keep` holds for (at least the session). Anything else asked of it is
    its deepest node's (a plugin may read nextitem.nodeid)."""

    def __init__(self, item, keep):
        chain = item.listchain()
        kept = []
        for node in chain:
            if not keep(node):
                break
            kept.append(node)
        self._chain = kept or chain[:1]

    def listchain(self):
        return list(self._chain)

    def __getattr__(self, name):
        return getattr(self._chain[-1], name)


def _session_level(item):
    """What a grant's end keeps when the session's next test is not known: the session level."""
    return _ChainPrefix(item, _is_session_level)


def _parents_of(item):
    """What a grant's last test keeps until the worker says which test comes next: everything
    but the test itself (its module, its class, their fixtures)."""
    return _ChainPrefix(item, lambda node: node is not item)


def _within(node_id, parent):
    """Whether test id `node_id` lies under the collector whose node id is `parent`."""
    return bool(parent) and (node_id == parent or node_id.startswith(parent + "::") or node_id.startswith(parent + "/"))


def _towards(item, node_id):
    """The next test `node_id` as pytest's next item after `item`: the item itself once
    collected (an id in `item`'s file is collected here); else, when an item collected now may
    stand in for it (_stand_ins), or its file is not collected yet, the part of `item`'s chain
    that the id lies under; None when not known (_teardown_after then keeps the
    session level). An id that nothing stands in for is not run, and the grant starts with
    another test, maybe another module's: what `item` kept is torn down now, while a failing
    teardown can still be `item`'s error, not later, when it could only be logged."""
    if node_id is None:
        return None
    known = _items.get(node_id)
    if known is None and _file_of(node_id) == _file_of(item.nodeid):
        # What the next grant collects first, collected now (its module is `item`'s, imported):
        # only then is it known whether the id still names a test.
        _collect_for(item.session, [node_id])
        known = _items.get(node_id)
    if known is not None:
        return known
    if not _may_stand_in(node_id):
        return None
    return _ChainPrefix(item, lambda node: _is_session_level(node) or _within(node_id, node.nodeid))


def _may_stand_in(node_id):
    """Whether the next grant may still run `node_id` first: neither its file nor its unit
    (which yields every test of its class or function) is collected yet, so the grant collects
    it, or an item collected now stands in for it."""
    file = _file_of(node_id)
    if node_id in _stand_in_for or (file not in _files_done and _unit_of(node_id) not in _units_done):
        return True
    if "[" not in node_id or file in _broken_files or file in _skipped_files:
        return False
    shape = _shape(node_id)
    return shape in _spares({shape[0]})


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
