extension PytestWarmPlugin {
    /// The part of the plugin's source that keeps the syntax trees pytest parses to show a
    /// failure, and by which a fork server learns them from its children (beside their regular
    /// expressions, see `regexSource`). Appended to `source`: one module.
    ///
    /// Why: pytest formats a failure's traceback by parsing each source file in it
    /// (`getstatementrange_ast`: `ast.parse`, then a walk over the whole module) and keeps
    /// nothing between failures. A retry or confirmation run of a failing test is a fresh child
    /// that parses the same files again: 0.09–0.14 CPU-s of a pytest-mock child whose test body
    /// takes milliseconds. Here a process keeps each parsed tree (by its source text), a child
    /// lists the texts it parsed, and its server parses them after the child ends, so the next
    /// children find them. A tree is only read by pytest's report code, never by a test.
    static let sourceTreeSource = #"""

_TREE_LIMIT = 64  # source texts kept parsed (the newest)
_source_trees = {}  # source text -> its ast, for pytest's failure reports
_new_source_texts = []  # what this process parsed itself (a child tells its server)
_parse_spared = [False]  # the report being made came from the caches below (see pytest_runtest_makereport)
# The collector's own function, taken before a fork server's child wraps it
# (_unfreeze_when_observed): a collection made here must not unfreeze the child's heap.
_young_collection = gc.collect


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """After a report that the caches below spared a parse, makes one young collection, which
    is what that parse's allocations would have triggered. Why: they move whatever the failure
    still holds to the oldest generation, as in a plain run. Without them, a cycle that a
    failing fixture leaked was still young once it became garbage, and the next test's first
    young collection finalized it. That test then failed on the leak's warning: anyio's
    `server_sock` left a socket open at each `-ipv6` setup error, and under its
    `filterwarnings = error` each `-ipv4` test after one failed (28 of 28, against 2 of the
    whole file in a plain run, where such cycles are finalized late)."""
    yield
    if _parse_spared[0]:
        _parse_spared[0] = False
        _young_collection(1)


def _keep_source_trees():
    """Puts a caching getstatementrange_ast where pytest's traceback code calls it (its source
    module, and the code module that imported it by name). A pytest without it is left as it is."""
    try:
        from _pytest._code import code as code_module
        from _pytest._code import source as source_module
        original = source_module.getstatementrange_ast
    except (ImportError, AttributeError):
        return
    if getattr(original, "_testfleet", False):
        return

    def getstatementrange_ast(lineno, source, assertion=False, astnode=None):
        if astnode is not None:
            return original(lineno, source, assertion, astnode)
        try:
            text = "\n".join(source.lines)
        except Exception:
            return original(lineno, source, assertion, astnode)
        key, kept = _kept_range(text, lineno, assertion)
        if kept is not None:
            _parse_spared[0] = True
            # No tree: pytest's callers only hand it back to this function.
            return None, kept[0], kept[1]
        astnode = _source_trees.get(text)
        if astnode is not None:
            _parse_spared[0] = True
        else:
            astnode = _parse_source(text)
            if astnode is None:  # what pytest does with a text that does not parse
                return original(lineno, source, assertion, None)
            if _FORK:  # a fork server's child: its server learns it (see _save_learned)
                _new_source_texts.append(text)
        found = original(lineno, source, assertion, astnode)
        if key is not None:
            _keep_range(key, lineno, assertion, found)
        return found

    getstatementrange_ast._testfleet = True
    source_module.getstatementrange_ast = getstatementrange_ast
    if getattr(code_module, "getstatementrange_ast", None) is original:
        code_module.getstatementrange_ast = getstatementrange_ast


def _parse_source(text):
    """`text` parsed as pytest parses it, kept; None when it does not parse."""
    import ast
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, "source", "exec")
    except Exception:
        return None
    while len(_source_trees) >= _TREE_LIMIT:
        _source_trees.pop(next(iter(_source_trees)))
    _source_trees[text] = tree
    return tree


def _learn_source_trees(texts):
    """In a fork server: parses what its last child parsed, and fills inspect's cache of which
    module holds which file (`inspect.getmodule`, which pytest's source lookup asks), so later
    children find both."""
    if not texts:
        return
    try:  # pytest 9.2+ keeps a tree's statement lines on the tree: a walk of the whole module
        from _pytest._code.source import _statement_linenos
    except ImportError:
        _statement_linenos = None
    for text in texts[-_TREE_LIMIT:]:
        if isinstance(text, str) and text not in _source_trees:
            tree = _parse_source(text)
            if tree is not None and _statement_linenos is not None:
                try:
                    _statement_linenos(tree)
                except Exception:
                    pass
    try:
        import inspect
        inspect.getmodule(_learn_source_trees.__code__, _learn_source_trees.__code__.co_filename)
    except Exception:
        pass

"""#
}
