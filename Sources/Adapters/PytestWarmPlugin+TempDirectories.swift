extension PytestWarmPlugin {
    /// The part of the plugin's source that gives a fork server's child a base temporary
    /// directory of its own. Appended to `source`: one module.
    ///
    /// Why: pytest makes a session's base directory (`/tmp/pytest-of-USER/pytest-N`, under which
    /// every `tmp_path` lives) once, on first use, and keeps it for the process. A fork server
    /// that made it before forking (sphinx's conftest names it in its report header, at session
    /// start) handed it to every child, so what one child's tests left there met the next
    /// child's tests: sphinx 8.1.3's translation tests found the project an earlier child had
    /// built, skipped reading it, and failed for want of its warnings, in every attempt. A plain
    /// pytest process starts with a directory of its own, and so does each child now.
    ///
    /// Warm processes end with `os._exit`, so pytest's exit handler that unlocks the directory a
    /// process made never ran, and every session and child left a locked directory that pytest
    /// keeps for three days (a worker pod's `/tmp` filled with them). Each now unlocks its own.
    static let tempDirectorySource = #"""

def _own_basetemp(config):
    """In a forked child: forgets the server's base temporary directory, so the child makes its
    own on first use (a new numbered one, or a directory of its own below a --basetemp, which
    pytest empties first)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if getattr(factory, "_basetemp", None) is None:
        return
    given = getattr(factory, "_given_basetemp", None)
    try:
        if given is not None:
            factory._given_basetemp = pathlib.Path(given) / ("testfleet-child-%d" % os.getpid())
        factory._basetemp = None
    except Exception:  # a pytest whose factory is not what this expects: as before
        pass


def _release_basetemp(config):
    """Before this process's os._exit: removes the lock of the numbered base directory this
    process made (its pid is in the lock), which pytest removes in a plain run's exit handlers,
    never run here. pytest's clean-up then removes the directory once it is older than the last
    few, as it does a plain run's, instead of keeping it for days. A directory inherited at a
    fork keeps its maker's lock."""
    factory = getattr(config, "_tmp_path_factory", None)
    made = getattr(factory, "_basetemp", None)
    if made is None or getattr(factory, "_given_basetemp", None) is not None:
        return
    lock = os.path.join(str(made), ".lock")
    try:
        with _open_file(lock, encoding="ascii") as handle:
            mine = handle.read().strip() == str(os.getpid())
        if mine:
            os.unlink(lock)
    except (OSError, ValueError):
        pass

"""#
}
