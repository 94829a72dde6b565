extension PytestOnlyPlugin {
    /// The part of both plugins' source that reads a pytest-dependency mark the way that plugin
    /// resolves it: which items' names it gives, in which scope. Appended to `source`: one module.
    static let dependencyNamesSource = #"""


def _loads_dependency_plugin(config):
    return any(getattr(plugin, "__name__", None) == "pytest_dependency" for plugin in config.pluginmanager.get_plugins())


def _dependency_names(item):
    """(base, names) of `item`'s dependency(depends=[...]) mark: each name is an id below base in
    its scope (module: the file; class: the class; package and session: node ids from the
    rootdir) or a name= given there; None without one."""
    mark = item.get_closest_marker("dependency")
    names = list(mark.kwargs.get("depends") or []) if mark is not None else []
    if not names:
        return None
    scope = mark.kwargs.get("scope", "module")
    parts = item.nodeid.split("::")
    if scope == "module":
        return parts[0] + "::", names
    if scope == "class":
        return ("::".join(parts[:2]) + "::", names) if len(parts) > 2 else None
    return "", names


def _given_name(item):
    """The name= of `item`'s dependency mark (pytest-dependency then knows it by that alone)."""
    mark = item.get_closest_marker("dependency")
    return mark.kwargs.get("name") if mark is not None else None


def _named_in(by_id, base, name):
    """The item of `by_id` (node id to item, in collection order) under `base` whose dependency
    name (name= of its mark) or id is `name`: by id at once; only a name= (rare) walks them."""
    item = by_id.get(base + name)
    if item is not None and _given_name(item) is None:
        return item
    for key, item in by_id.items():
        if key.startswith(base) and _given_name(item) == name:
            return item
    return None
"""#

    /// The narrowing plugin's part: a cold batch keeps, beside its granted tests, the tests
    /// their pytest-dependency marks name, so they run first (their results are in pytest's
    /// JUnit XML, which testfleet reads only for the granted ids). A retry of a dependent test,
    /// or a grant that starts after its dependencies with warm sessions off, was skipped where a
    /// plain run passes it. With pytest-dependency loaded, a batch collects its ids' files (as
    /// `withinFilesVariable` does) to find them there; a name in a file the batch does not
    /// collect is left to pytest-dependency, which skips as it would.
    static let dependencySource = #"""


def _granted_with_dependencies(items, granted):
    """The granted items of `items` (collection order) and, in turn, the items their
    dependency marks name, in collection order (where a plain run runs them)."""
    if not _DEPENDENCIES:
        return [item for item in items if item.nodeid in granted]
    by_id = {item.nodeid: item for item in items}
    kept = set()
    pending = [item for item in items if item.nodeid in granted]
    while pending:
        item = pending.pop()
        if item.nodeid in kept:
            continue
        kept.add(item.nodeid)
        base, names = _dependency_names(item) or ("", [])
        pending.extend(match for match in (_named_in(by_id, base, name) for name in names) if match is not None)
    return [item for item in items if item.nodeid in kept]
"""#
}
