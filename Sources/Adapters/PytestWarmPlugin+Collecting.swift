extension PytestWarmPlugin {
    /// The part of the plugin's source that collects what a grant names: the collectors kept
    /// across the session's collections, and each id's unit (its top-level class or function)
    /// collected once. Appended to `source`: one module.
    static let collectingSource = #"""

def _file_of(node_id):
    return node_id.split("::", 1)[0]


def _is_file(node):
    """Whether `node` is a file's collector: a pytest.File whose id is a path. A plugin's
    collector within a file may subclass pytest.Module too (pytest-describe's DescribeBlock, one
    per describe_ function): shared out as files, graphql-core 3.2.5's describe blocks were
    listed by one session each, their file marked collected in both, and every grant's ids of
    the other session's blocks went cold ("not collected there"): a first build 1.5 × pytest -n 2."""
    return isinstance(node, pytest.File) and "::" not in node.nodeid


def _queue_conftests_again(session):
    """pytest 9.1+ gives a conftest's fixtures to the Directory node of the first collection
    only (it queues the conftest once, when it is imported); a later collection makes new nodes
    that would not see them, so a conftest's parametrised fixtures silently vanish. Queue the
    conftests below the rootdir again; the rootdir's and those above it belong to the session."""
    pending = getattr(session._fixturemanager, "_pending_conftests", None)
    if pending is None:  # pytest before 9.1 scopes conftest fixtures by node id: nothing to do
        return
    root = pathlib.Path(os.path.abspath(str(session.config.rootpath)))
    manager = session.config.pluginmanager
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin) or ""
        if not name.endswith("conftest.py"):
            continue
        # Keyed as pytest keys them: the absolute path, symlinks kept.
        directory = pathlib.Path(os.path.abspath(name)).parent
        if directory != root and root in directory.parents:
            pending.setdefault(directory, plugin)


def _keep_directory_collectors(session):
    """Keeps the directory collectors, and what they collected, across the session's
    collections. pytest collects every directory above a path again on each perform_collect
    call: each grant listed every entry of the directories its files are in (running the ignore
    and collect hooks for each) anew, seconds over a build where test files sit in hundreds of
    directories (Pygments' example files). One plain collection keeps them, and so does this;
    files created in those directories after they were listed are not seen, as in a plain run.
    A file's own collection (its module imported, its classes and functions listed) is kept
    too, so a grant can collect one class of it after another grant collected another, under
    the same module node (see _collect_for).
    Needs pytest's Directory nodes (8.0+); an older pytest is left as it is. Returns whether
    they are kept: a sharded listing filters files there (see _Shares)."""
    directory = getattr(pytest, "Directory", None)
    collect_path = getattr(session, "_collect_path", None)
    collect_one = getattr(session, "_collect_one_node", None)
    if directory is None or collect_path is None or collect_one is None:
        return False
    roots = {}
    collected = {}

    def kept_collect_path(path, path_cache):
        if path not in roots:
            roots[path] = collect_path(path, path_cache)
        return roots[path]

    def kept_collect_one_node(node, handle_dupes=True):
        if _shares is not None and _is_file(node) and not _shares.mine(node):
            if _shares.lists_modules and isinstance(node, pytest.Module):
                report, duplicate = collect_and_keep(node, handle_dupes)
                # A module that cannot be imported (or skips itself whole) says so now, as in a
                # plain run's collection: under --import-mode importlib the module that raised
                # stays in sys.modules, and the grant's collection of it later "passed" with no
                # items, which sent it cold in every build (cssutils 2.11.1's two test modules
                # that need jaraco.test: a pytest start-up each, its retries' too).
                if not report.passed:
                    return report, duplicate
            return _shares.deferred(node), False
        return collect_and_keep(node, handle_dupes)

    def collect_and_keep(node, handle_dupes):
        kept = isinstance(node, (directory, pytest.File))
        report = collected.get(node) if kept else None
        if report is not None:
            session._collection_cache[node] = report
            return report, False
        report, duplicate = collect_one(node, handle_dupes)
        if kept and report.passed:
            collected[node] = report
        return report, duplicate

    session._collect_path = kept_collect_path
    session._collect_one_node = kept_collect_one_node
    return True


def _collect(session, args):
    """Collects `args` (None: the suite as configured), keeping its items, and the report of each
    module skipped whole or that could not be collected; returns the items. Raises what pytest
    raises (a UsageError for a path it refuses, a collection crash)."""
    _collected.clear()
    _collected_count.clear()
    if _files_done or _units_done:
        _queue_conftests_again(session)
    try:
        with _collection_warnings(session):
            items = list(session.perform_collect(args))
    finally:
        # Also when pytest refuses an argument: a module that cannot be imported or skips
        # itself whole has no class to name, and its report says so.
        for node_id, report in _collected.items():
            if not node_id:
                continue
            if "::" in node_id:
                if report.failed:  # a class pytest could not collect: its own error, as in a plain run
                    _broken_collectors[node_id] = report
                continue
            if report.skipped:
                _skipped_files[node_id] = report
            elif report.failed:
                _broken_files[node_id] = report
    _name_duplicates(items)
    for item in items:
        _items.setdefault(_id_of(item), item)
    return items


def _name_duplicates(items):
    """Gives the second, third, … item of one collection that share a node id the ids
    "ID::<duplicate 2>", … (PytestNodeIDs.duplicate names them alike). pytest runs and counts
    each such item, and its JUnit XML lists each; testfleet keys a result by its test's id, so
    without this they were one test: PyYAML 6.0.2's conftest names each of its three
    file-less legacy tests after their module (tests/legacy_tests/test_yaml.py::test_yaml.py),
    and its count was 2,606 passed against a plain run's 2,608."""
    seen = {}
    counted = set()
    for item in items:
        if id(item) in counted:
            continue
        counted.add(id(item))
        count = seen.get(item.nodeid, 0) + 1
        seen[item.nodeid] = count
        if count > 1:
            item._testfleet_id = "%s::<duplicate %d>" % (item.nodeid, count)


def _id_of(item):
    """The id testfleet knows `item` by: its node id, or its duplicate's (_name_duplicates)."""
    return getattr(item, "_testfleet_id", None) or item.nodeid


def _unit_of(node_id):
    """What a grant collects for `node_id`: its file's top-level class or function
    ("file::Name", every parametrisation), or its file when it names no more than that."""
    file, _, rest = node_id.partition("::")
    if not rest or rest.startswith("<collector "):  # a file's other collector (see _with_twins)
        return file
    return file + "::" + rest.split("::", 1)[0].split("[", 1)[0]


def _collect_for(session, ids):
    """Collects what `ids` need that this session has not collected; returns why it failed, or
    None. Where the collectors are kept (_by_unit), a grant collects the units its ids are in,
    not their whole files: two sessions that split a suite's big test file by class then make
    each class's items once between them (jsonschema's 7,255 tests sit in one file: collected
    whole by both, it cost each session 1.4 s). Ids that their units did not yield (a unit
    pytest cannot name, a module that fails) get their files collected whole, as before."""
    def needed(part, stale_too=False):
        wanted = []
        for node_id in ids:
            file = _file_of(node_id)
            # A file collected before a module ahead of it changed the warning filters may
            # hold a class that is an error under them: its unit is collected again.
            redo = stale_too and _stale_for_filters(file) and _broken_collector_of(node_id) is None
            if (node_id not in _items and (file not in _files_done or redo)
                    and file not in _skipped_files and file not in _broken_files):
                wanted.append(part(node_id))
        return list(dict.fromkeys(wanted))

    why = None
    if _by_unit:
        units = [unit for unit in needed(_unit_of, stale_too=True) if unit not in _units_done]
        if units:
            why = _collect_once(session, units, _units_done)
    files = needed(_file_of)
    if files:
        why = _collect_once(session, files, _files_done)
    return why


def _collect_once(session, args, done):
    """Collects `args` and notes them in `done` (also when it fails: a grant never collects
    them again); returns why it failed, or None."""
    try:
        _collect(session, args)
    except BaseException as error:
        return repr(error)[-2000:]
    finally:
        done.update(args)
    return None

"""#
}
