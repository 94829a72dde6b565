extension PytestOnlyPlugin {
    /// The part of both plugins' source that leaves how often and where a test runs to
    /// testfleet, whatever the suite's configuration says. Appended to `source`: one module.
    ///
    /// - pytest-xdist: a suite whose addopts ask for workers (`-n auto`, or any `-n`, `--dist`,
    ///   `--tx`) had each warm session, fork server and narrowed batch start its own xdist
    ///   workers beside it, which then sat idle (the process runs its grants itself): a later
    ///   build of an 81-test suite took 0.9–1.3 s instead of 0.5 s. testfleet's workers are the
    ///   distribution; each process runs what it is granted itself, as `-n 0` would.
    /// - pytest-rerunfailures: `--reruns N` in addopts (or a test's `flaky(reruns=N)` mark)
    ///   reran a failing test in its process, which hid a flaky test's failure from the store
    ///   (it was recorded as passed, never as flaky) and ran a broken one N + 1 times in each of
    ///   testfleet's attempts. testfleet's retries run on another worker and every attempt is
    ///   stored: the plugin is unregistered (its options stay parsed, so addopts stay valid).
    /// - pytest's cache plugin: `--lf`, `--ff`, `--nf`, `--sw` (and `--sw-skip`, `--sw-reset`)
    ///   and `--cache-clear` in addopts (pydocstyle 6.3.0 has `--cache-clear`) choose and order
    ///   tests from what earlier runs left in the cache, and `--sw` stops a process at its first
    ///   failure: a grant is exactly the tests it names, in its order, each run to the end. The
    ///   plugin itself stays loaded (its options parse, and a test's `cache` fixture works), its
    ///   cache in a directory of the process's own, `cacheVariable`: not `-o cache_dir=`, which
    ///   pytest calls an unknown option where the suite blocks the plugin (`-p no:cacheprovider`),
    ///   an error under `filterwarnings = error` (click 8.1.8 as the bench runs it).
    static let cacheVariable = "TESTFLEET_PYTEST_CACHE"

    static let ownRunsSource = #"""


def _own_runs(config):
    """Turns pytest-xdist's distribution off for this process (before xdist's own
    pytest_configure, which starts the workers when a mode and hosts are set),
    pytest-rerunfailures' reruns, and the cache plugin's choosing and ordering of tests (before
    its pytest_configure and stepwise's, which read these options; see
    PytestOnlyPlugin+OwnRuns)."""
    option = config.option
    for name in ("lf", "failedfirst", "newfirst", "stepwise", "stepwise_skip", "stepwise_reset", "cacheclear"):
        if getattr(option, name, False):
            setattr(option, name, False)
    _own_cache(config)
    if getattr(option, "numprocesses", None) or getattr(option, "tx", None):
        option.numprocesses = 0
        option.dist = "no"
        option.tx = []
    manager = config.pluginmanager
    for name, plugin in list(manager.list_name_plugin()):
        if getattr(plugin, "__name__", None) == "pytest_rerunfailures":
            manager.unregister(plugin, name)


def _own_cache(config):
    """Before the cache plugin's pytest_configure: points it at this process's own directory
    (TESTFLEET_PYTEST_CACHE; getini reads pytest's cache of settings first, where the plugin
    reads cache_dir), and keeps it from registering its last-failed and new-first plugins, which
    with their options off only write what they saw to the cache as the session ends (a
    process exiting after testfleet removed its directory made it again). A suite that blocks
    the plugin, or a pytest without that cache of settings, keeps its own setting."""
    manager = config.pluginmanager
    if not manager.has_plugin("cacheprovider"):
        return
    for name in ("lfplugin", "nfplugin"):
        if not manager.has_plugin(name):
            manager.set_blocked(name)
    directory = os.environ.get("TESTFLEET_PYTEST_CACHE")
    settings = getattr(config, "_inicache", None)
    if directory and isinstance(settings, dict):
        settings["cache_dir"] = directory
"""#
}
