extension PytestWarmPlugin {
    /// The part of the plugin's source that runs a granted test's pytest-dependency
    /// dependencies first, unreported, when this process has not run them. Appended to
    /// `source`: one module.
    ///
    /// pytest-dependency skips a test marked `dependency(depends=[...])` unless each test it
    /// names passed earlier in the same process. A plain run has run them by then (they come
    /// earlier in the collection order); a session that starts in the middle of a file, a grant
    /// in a fork server's child or a retry has not, and the test was skipped where serial pytest
    /// passes it (a fixture of three files, each ending in a test that depends on its first:
    /// 94 passed and 2 skipped in later builds, against 96 passed). Its dependencies now run
    /// just before it in its process, as the coordinator's contexts do (their results go out and
    /// the worker drops them: they are not the grant's).
    static let dependencySource = #"""

# Node ids this process has run (a session's; a fork server's child starts from the server's,
# which runs none).
_ran_here = set()


# Whether pytest-dependency is loaded in this process (None: not looked yet).
_dependency_plugin = [None]


def _with_dependencies(session, order):
    """`order` with, before each test marked dependency(depends=...), the tests it names that
    this process has not run and the grant does not run before it (theirs first, in turn)."""
    if _dependency_plugin[0] is None:
        _dependency_plugin[0] = _loads_dependency_plugin(session.config)
    if not _dependency_plugin[0] or not any(item.get_closest_marker("dependency") is not None for item in order):
        return order
    seen = set(_ran_here)
    result = []
    for item in order:
        _place_dependencies(session, item, seen, result, depth=0)
        result.append(item)
        seen.add(_id_of(item))
    return result


def _place_dependencies(session, item, seen, result, depth):
    if depth > 16:  # a cycle, or a chain no suite writes
        return
    for dependency in _dependencies_of(session, item):
        key = _id_of(dependency)
        if key in seen:
            continue
        seen.add(key)
        _place_dependencies(session, dependency, seen, result, depth + 1)
        result.append(dependency)


def _dependencies_of(session, item):
    """The collected items `item`'s dependency mark names, as pytest-dependency resolves them in
    its scope (module: ids below the file, or names given with name=; class: below the class;
    package and session: node ids). A name not found among the items collected so far gets its
    file collected (module and class scope) or its id (else); one still not found is left to
    pytest-dependency, which skips as it would."""
    named = _dependency_names(item)
    if named is None:
        return []
    base, names = named
    file = _file_of(item.nodeid)
    found = []
    for name in names:
        match = _named_in(_items, base, name)
        if match is None:
            _collect_for(session, [file] if base else [name])
            match = _named_in(_items, base, name)
        if match is not None and match is not item:
            found.append(match)
    return found
"""#
}
