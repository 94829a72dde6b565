extension PytestWarmPlugin {
    /// The part of the plugin's source that keeps bytecode under the worker's cache when the
    /// environment turns writing it beside the sources off (see `PythonBytecode`). It runs as
    /// the plugin is imported, before pytest imports the plugins, conftest files and test
    /// modules it rewrites. Appended to `source`: one module.
    static let bytecodeSource = #"""

def _fresh_beside(pyc, source):
    """Whether `pyc` (bytecode beside the source, in __pycache__) exists and the import system
    would take it for `source` (its own checks): installed packages ship such bytecode."""
    from importlib import _bootstrap_external as external
    try:
        with _open_file(pyc, "rb") as f:
            data = f.read(16)
        stat = os.stat(source)
        details = {"name": source, "path": pyc}
        if external._classify_pyc(data, source, details) & 1:  # hash-based: checked on load
            return True
        external._validate_timestamp_pyc(data, int(stat.st_mtime), stat.st_size, source, details)
        return True
    except (OSError, ImportError, EOFError, AttributeError):
        return False


def _young(path, wall):
    """Whether `path` was written in the last two seconds. Bytecode records its source's
    modification time in whole seconds (and its size), so a module written again within the
    same second, at the same size, would load the bytecode of what it held before. Suites write
    modules and import them at once: alembic's tests write scratch/scripts/versions/b2_b2.py,
    import it, remove the directory, and the next class writes the same file with other content;
    cached by path, the next class (and the next process) loaded the old revision ("KeyError:
    'a3'") where a plain run under PYTHONDONTWRITEBYTECODE compiles every time. A source older
    than that can no longer be written within the second its bytecode records."""
    try:
        return os.stat(path).st_mtime >= wall() - 2.0
    except OSError:
        return True


def _cache_bytecode(directory):
    """Lets the process write bytecode, but only under `directory` (the source's absolute path
    mirrored below it, as sys.pycache_prefix lays it out): a module whose fresh bytecode sits
    beside its source loads it from there, and every other module's bytecode is read from and
    written to `directory`. Under PYTHONDONTWRITEBYTECODE each process compiled the project's
    modules again: 0.57 of the 1.0 s dateutil's pytest takes to start. The source tree stays as
    clean as the variable asks, and the bytecode installed packages ship with is still used.
    Returns whether it did (not where the import system lacks the hook, or the environment set
    a prefix of its own)."""
    try:
        from importlib import _bootstrap_external as external
    except ImportError:
        return False
    standard = getattr(external, "cache_from_source", None)
    if standard is None or getattr(sys, "pycache_prefix", None):
        return False
    root = os.path.abspath(directory)
    wall = time.time  # as imported: a test may fake the time (freezegun)

    def cache_from_source(path, debug_override=None, *, optimization=None):
        beside = standard(path, debug_override, optimization=optimization)
        if getattr(sys, "pycache_prefix", None):
            return beside  # a prefix a test set: the layout it asked for (see _cache_rewritten_modules)
        if _fresh_beside(beside, path):
            return beside
        if _young(path, wall):
            raise NotImplementedError  # the loader then neither reads nor writes bytecode
        folder = os.path.dirname(os.path.abspath(path))
        return os.path.join(root, folder.lstrip(os.sep), os.path.basename(beside))

    external.cache_from_source = cache_from_source
    sys.dont_write_bytecode = False
    return True


def _cache_rewritten_modules(directory, write):
    """Points pytest's cache of rewritten modules at `directory`; with `write`, writes it even
    though bytecode writing is off (pytest then caches them nowhere). A pytest whose rewrite
    module lacks these functions is left alone (each process then rewrites, as before)."""
    try:
        from _pytest.assertion import rewrite
    except ImportError:
        return
    if not all(hasattr(rewrite, name) for name in ("get_cache_dir", "_rewrite_test", "_write_pyc", "try_makedirs", "PYC_TAIL")):
        return
    root = pathlib.Path(directory)
    rewrite_test = rewrite._rewrite_test

    class _Untraced:
        @staticmethod
        def trace(*_args):
            pass

    standard = rewrite.get_cache_dir

    def get_cache_dir(file_path):
        # Only pytest's own import hook uses the worker's cache, and only while no prefix is set:
        # pytest's own suite calls get_cache_dir to check where a plain run puts a module
        # (TestPyCacheDir), and sets sys.pycache_prefix to check that its rewritten modules go
        # there; both failed under the cache.
        if getattr(sys, "pycache_prefix", None) or sys._getframe(1).f_globals is not vars(rewrite):
            return standard(file_path)
        return root.joinpath(*pathlib.Path(file_path).parts[1:-1])

    def rewrite_and_keep(fn, config):
        stamp, code = rewrite_test(fn, config)
        if getattr(sys, "pycache_prefix", None):
            return stamp, code  # a prefix a test set: pytest writes there itself, as in a plain run
        cache_dir = root.joinpath(*pathlib.Path(fn).parts[1:-1])
        if rewrite.try_makedirs(cache_dir):
            rewrite._write_pyc(_Untraced, code, stamp, cache_dir / (fn.name[:-3] + rewrite.PYC_TAIL))
        return stamp, code

    rewrite.get_cache_dir = get_cache_dir
    if write:
        rewrite._rewrite_test = rewrite_and_keep


if _REWRITE_CACHE and sys.dont_write_bytecode:
    # With writing on (under the cache), pytest writes its rewritten modules itself.
    _cache_rewritten_modules(_REWRITE_CACHE, write=not _cache_bytecode(_REWRITE_CACHE))

"""#
}
