extension PytestWarmPlugin {
    /// The part of the plugin's source that gives each collection the warning filters a plain
    /// run's one collection would have at that point. Appended to `source`: one module.
    ///
    /// A plain run collects the whole suite under one warnings context, so a test module that
    /// changes the filters when imported (markdown's `test_legacy.py` calls
    /// `warnings.simplefilter("error")`) changes them for every module and class collected after
    /// it: markdown's `test_md_in_html.py::TestSuite`, a class pytest will not collect because it
    /// has an `__init__`, is a collection error there, not a warning. A session collects in
    /// pieces (a share of a listing, each grant's units), each under its own context: so each
    /// collector starts from the filters its file sees in a plain collection, the ones the last
    /// module before it (in collection order) left.
    static let collectionWarningSource = #"""

# The filters each test module's import left, by file, for the modules whose import changed them.
_filters_after = {}
# Those files in the order the session found them, and how many of them were known when each
# file was last collected (a file collected before a module ahead of it was imported is stale).
_filter_changers = []
_changers_known_at = {}
# The filters each collection started from (the configured ones), innermost last.
_collection_bases = []


def _collection_warnings(session):
    """The warning filters and recording pytest puts around its collection: the configured
    filters apply, and whatever a test module changes at import ends with the collection, as in
    a plain run, instead of holding for every test the session runs after it. Within it each
    collector starts from its file's filters (see pytest_make_collect_report). A pytest without
    the helper, or a suite that turns pytest's warnings plugin off (`-p no:warnings`): nothing,
    as a plain run then puts nothing around its collection. dogpile.cache 1.3.3 says
    `filterwarnings = ["error"]` and `-p no:warnings` together: applied here anyway, the unknown
    mark its fixtures module uses at import was an error, and every test module with it."""
    import contextlib
    config = session.config
    try:
        from _pytest.warnings import catch_warnings_for_item
    except ImportError:
        return contextlib.nullcontext()
    if not config.pluginmanager.has_plugin("warnings"):
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def context():
        with catch_warnings_for_item(config, ihook=config.hook, when="collect", item=None):
            _collection_bases.append(list(warnings.filters))
            try:
                yield
            finally:
                _collection_bases.pop()
    return context()


def _plain_rank(file):
    """Where `file` comes in a plain collection: pytest (8+) collects a directory's entries by
    name, files and directories alike, so by its path's parts."""
    return tuple(file.split("/"))


def _filters_for(file, own):
    """The filters a collector of `file` starts from: those the last changing module before it
    left (and its own, for a collector below its module: `own`), else the collection's own."""
    rank = _plain_rank(file)
    best = None
    for changer in _filter_changers:
        changer_rank = _plain_rank(changer)
        if (changer_rank < rank or (own and changer == file)) and (best is None or changer_rank > _plain_rank(best)):
            best = changer
    return _filters_after[best] if best is not None else _collection_bases[-1]


def _set_filters(filters):
    if warnings.filters != filters:
        warnings.filters[:] = filters
        mutated = getattr(warnings, "_filters_mutated", None)
        if mutated is not None:  # the C module's caches of earlier decisions
            mutated()


def _note_filter_change(file, before):
    """Notes the filters `file`'s import left when they are not `before` and either turns a
    warning into an error: only then can a change make a collection fail or pass. A library
    that only ignores one of its warnings at import changes nothing a count shows, and noted it
    would cost a sharded listing its whole suite collected again (see _list_everything)."""
    if warnings.filters != before and any(entry[0] == "error" for entry in warnings.filters + before):
        _filters_after[file] = list(warnings.filters)
        if file not in _filter_changers:
            _filter_changers.append(file)


def _stale_for_filters(file):
    """Whether `file` was collected before a module ahead of it was found to change the filters
    (a sharded listing imports the other shares' modules after its own): a collector of it that
    yielded nothing may be an error now (see _collect_for)."""
    known = _changers_known_at.get(file)
    if known is None or known == len(_filter_changers):
        return False
    rank = _plain_rank(file)
    return any(_plain_rank(changer) < rank for changer in _filter_changers[known:])


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    if not _ACTIVE or not _collection_bases or isinstance(collector, pytest.Session):
        yield
        return
    file = _file_of(collector.nodeid)
    if _is_file(collector):
        if _filter_changers:
            _set_filters(_filters_for(file, own=False))
        before = list(warnings.filters)
        yield
        _note_filter_change(file, before)
        _changers_known_at[file] = len(_filter_changers)
    elif "::" in collector.nodeid and _filter_changers:
        _set_filters(_filters_for(file, own=True))
        yield
    else:
        yield

"""#
}
