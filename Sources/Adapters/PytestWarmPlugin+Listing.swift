extension PytestWarmPlugin {
    /// The part of the plugin's source that lists a first build's suite for the plan (the whole
    /// suite, or this session's share of its files) before the session says it is ready.
    /// Appended to `source`: one module.
    static let listingSource = #"""

class _NoTests(pytest.Module):
    """A module a grant names only for its doctests: it is not imported as a test module (its
    DoctestModule imports it, as in a plain run)."""

    def _getobj(self):
        import types
        return types.ModuleType(self.name)

    def collect(self):
        return []


# The hook's `module_path` argument is pytest 7's; an older pytest keeps its own behaviour.
if int(pytest.__version__.split(".")[0]) >= 7:
    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(module_path, parent):
        """A grant names its files as arguments, and pytest collects any .py file given so as a test
        module. A file that is no test module by python_files (nor named by the suite's command) is
        in a grant only for its doctests (--doctest-modules): a plain run never makes it a Module.
        Made one, a library module that cannot be imported was an error beside its doctests' skip
        (fonttools 4.55.0: 19 errors in every later build where a plain run has 19 skips)."""
        from _pytest.python import path_matches_patterns  # pytest's own python_files test
        if not _ACTIVE or path_matches_patterns(module_path, parent.config.getini("python_files")):
            return None
        if os.path.abspath(str(module_path)) in _command_files(parent.config):
            return None
        return _NoTests.from_parent(parent, path=module_path)

    _command_file_set = []

    def _command_files(config):
        """The files the suite's command names (absolute), worked out once per process."""
        if not _command_file_set:
            _command_file_set.append({os.path.abspath(os.path.join(str(config.invocation_params.dir), arg.split("::")[0]))
                                      for arg in config.args})
        return _command_file_set[0]


class _Shares:
    """Which files of a sharded listing this session collects (see the docstring)."""

    # Whether a file of another share still has its module's own level collected (see _ImportOnly).
    lists_modules = False

    def __init__(self, spec):
        index, count = (int(part) for part in spec.split("/"))
        if not 0 <= index < count:
            raise ValueError("share %d of %d" % (index, count))
        self.index = index
        self.loads = [0] * count
        self.owners = {}
        self.files = []
        self.others = []

    def mine(self, node):
        owner = self.owners.get(node.nodeid)
        if owner is None:
            try:
                size = os.path.getsize(str(node.path))
            except (OSError, AttributeError):
                size = 0
            owner = min(range(len(self.loads)), key=lambda share: (self.loads[share], share))
            self.loads[owner] += max(size, 1)
            self.owners[node.nodeid] = owner
            self.files.append(node.nodeid)
        return owner == self.index

    def deferred(self, node):
        """A report of no items for a file of another share, whose module _import_deferred imports."""
        from _pytest.reports import CollectReport
        if isinstance(node, pytest.Module):
            self.others.append(node)
        return CollectReport(node.nodeid, "passed", None, [])


def _import_nodes(nodes):
    """Imports the modules of `nodes` (deferred by a share), in order; a module that fails is
    left to the grant that collects it. The caller holds the collection's warning context."""
    for node in nodes:
        _imported.add(node.nodeid)
        file = _file_of(node.nodeid)
        if _filter_changers:
            _set_filters(_filters_for(file, own=False))
        before = list(warnings.filters)
        modules = set(sys.modules)
        try:
            node.obj
        except KeyboardInterrupt:
            raise
        except BaseException:  # a module that cannot be imported or skips itself whole
            _forget_module_of(node, modules)
        _note_filter_change(file, before)


def _forget_module_of(node, modules_before):
    """Takes the module of `node` that an import which raised left in sys.modules back out, so
    the grant that collects it imports it again and reports it as a plain run does. Under
    --import-mode importlib pytest puts a test module there before running it and nothing takes
    it out: the grant's collection found it imported and passed it with no items, which sent it
    cold, a pytest start-up, in every build."""
    path = os.path.normcase(str(node.path))
    for name in set(sys.modules) - modules_before:
        module = sys.modules.get(name)
        if os.path.normcase(str(getattr(module, "__file__", None) or "")) == path:
            del sys.modules[name]


def _import_deferred(session):
    """Imports the other shares' test modules a listing deferred, before this session's first
    test (as a plain run imports every test module first). Not during the listing: by the
    first grant the other shares have listed theirs, so their rewritten modules are cached and
    cost a load, where importing them at the end of this share's listing rewrote those its
    owner had not reached yet (arrow: 3.3 s of a 4.1 s listing, its owner's work twice)."""
    if not _deferred:
        return
    nodes = list(_deferred)
    del _deferred[:]
    with _collection_warnings(session):
        _import_nodes(nodes)


class _ImportOnly(_Shares):
    """A collection that finds the test modules and lists each one's own level (its classes and
    functions, the functions' items made) as soon as it is imported, before the next module is,
    but collects no class: a plain collection runs the suite's collection hooks between one
    module's import and the next, and suites rely on that (django-ninja's conftest sets
    NINJA_SKIP_REGISTRY in pytest_generate_tests, which its later test modules need when they
    import). The module's listing is kept for the grants that collect its units."""

    lists_modules = True

    def __init__(self):
        pass

    def mine(self, node):
        return False

    def deferred(self, node):
        from _pytest.reports import CollectReport
        return CollectReport(node.nodeid, "passed", None, [])


def _import_modules(session, files):
    """Imports the test modules among `files` (in order) that this session has not collected or
    imported, each one's own level listed before the next is imported (see _ImportOnly) but no
    class collected: a plain run imports every test module it collects before its first test,
    and suites rely on that (structlog's callsite tests expect `multiprocessing` to be imported
    by then, which another of its test modules does). A module that fails, or a file pytest
    refuses, is left to the grant that collects it, which reports it as a plain run does. A
    pytest without directory collectors (before 8.0) imports nothing here."""
    global _shares
    _import_deferred(session)  # a listing's own deferred modules first: they are not wanted again
    wanted = [f for f in files if f not in _files_done and f not in _imported]
    _imported.update(wanted)
    if not wanted or not _by_unit:
        return
    _shares = _ImportOnly()
    try:
        _collect(session, wanted)
    except BaseException:  # a file pytest refuses, an interrupt: the grants report what matters
        pass
    finally:
        _shares = None


def _list_everything(session, path, can_share):
    """Collects the suite as configured (this session's share of its files, when sharded and
    `can_share`: the directory collectors are kept, where files are filtered) and writes its ids
    to `path` (see the docstring)."""
    global _shares
    try:
        _shares = _Shares(_SHARD) if _SHARD and can_share else None
        items = _collect(session, None)
    except BaseException as error:  # also a conftest that fails, an interrupt, a bad share
        _write_atomically(path + ".failed", repr(error)[-2000:])
        return
    finally:
        shares, _shares = _shares, None
    if shares is not None:
        _deferred.extend(shares.others)
    ids = list(dict.fromkeys(_id_of(item) for item in items))
    # pytest's short summary names the broken modules and classes (ERROR lines), and the files
    # and directories skipped whole while collecting (SKIPPED lines): a test module that skips
    # at import (by the suite's python_files: tqdm's tests_*.py), a directory whose conftest.py
    # skips, and under --doctest-modules --doctest-ignore-import-errors any module that cannot
    # be imported (fonttools 4.55.0: 19 of its library modules, 19 skipped tests in a plain
    # run). A plain run counts every skipped collection report; so does the listing.
    # `--collect-only` lists each once.
    modules = [node_id for node_id, report in _collected.items() if node_id
               and (report.failed or ("::" not in node_id and report.skipped))]
    modules = [twin for node_id in modules for twin in _with_twins(node_id)]
    _files_done.update(_file_of(node_id) for node_id in ids + modules)
    _known_ids.update(ids)
    listed = ids + modules
    if shares is not None:
        if _filter_changers or _moved_between_files(items, shares.files):
            # Only a collection of the whole suite has the order its plugins give it, and the
            # warning filters a module of this share set at import for every module after it
            # (see _filters_for): this session collects the rest too, as a pytest-xdist worker
            # collects everything, and lists the whole suite ({"ids"}, which the reader takes as
            # it is). Then its grants collect nothing more (in a child instead, the listing was
            # made and thrown away, and the session collected the other shares' units again as
            # grants named them).
            del _deferred[:]
            _list_everything(session, path, can_share=False)
            return
        listed = {"files": shares.files, "ids": ids, "modules": modules}
        _share_listed.update(files={_file_of(node_id) for node_id in ids + modules}, ids=set(ids))
    elif _SHARD:
        listed = {"ids": listed}
    _write_atomically(path, json.dumps(listed, ensure_ascii=False))


def _with_twins(node_id):
    """`node_id` and, for a file more than one collector skipped or failed (a Module and a
    DoctestModule under --doctest-modules), an id for each other one's report: "FILE::<collector
    2>", as PytestNodeIDs.collectorTwin names them. A plain run counts every such report."""
    count = _collected_count.get(node_id, 1) if "::" not in node_id else 1
    return [node_id] + ["%s::<collector %d>" % (node_id, n) for n in range(2, count + 1)]


def _moved_between_files(items, files):
    """Whether the suite's pytest_collection_modifyitems moved tests from one file's place to
    another's (pytest-django runs Django TestCase tests first, then transactional ones, then the
    rest, across the whole suite): collection yields each file's items together, in `files`'
    order, and a hook that keeps them so reordered nothing a merge of shares would lose. One
    that does makes an order only a collection of the whole suite shows, so the reader of the
    shares' listings collects it whole instead (see PytestListingShare.merge)."""
    place = {file: index for index, file in enumerate(files)}
    seen = set()
    current, last = None, -1
    for item in items:
        file = _file_of(item.nodeid)
        if file == current:
            continue
        index = place.get(file, last)
        if file in seen or index < last:
            return True
        seen.add(file)
        current, last = file, index
    return False


def _write_atomically(path, text):
    temporary = "%s.%d.tmp" % (path, os.getpid())
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)

"""#
}
