extension PytestOnlyPlugin {
    /// The part of the narrowing plugin's source that keeps pytest's assertion rewriting to the
    /// modules a plain run rewrites. Appended to `source`: one module.
    ///
    /// pytest rewrites the asserts of every module named on its command line, test file or not
    /// (`AssertionRewritingHook._should_rewrite`: "specified on cmdline"), and a cold batch names
    /// its ids' files there, where a plain run names the suite's directories. A doctest whose
    /// expected output is an `AssertionError`'s message then met the rewritten, longer message:
    /// zipp 3.21.0's `zipp/glob.py::zipp.glob.Translator` (`--doctest-modules`) passes in a plain
    /// run and failed every cold attempt (8 of 8 with warm sessions off).
    static let rewritingSource = #"""


def _rewrite_as_a_plain_run(config, own_arguments):
    """Leaves a module to pytest's naming rules for test files (python_files, conftests, marked
    modules) unless the suite's own arguments name it, however the batch names it."""
    hook = next((finder for finder in sys.meta_path if type(finder).__name__ == "AssertionRewritingHook"
                 and getattr(finder, "config", None) is config), None)
    decide = getattr(hook, "_should_rewrite", None)
    if decide is None or not hasattr(hook, "session"):
        return
    start = str(getattr(getattr(config, "invocation_params", None), "dir", "") or os.getcwd())
    own = set(os.path.abspath(os.path.join(start, str(argument).split("::", 1)[0])) for argument in own_arguments)

    def should_rewrite(name, fn, state):
        session = hook.session
        if session is None or os.path.abspath(fn) in own:
            return decide(name, fn, state)
        hook.session = None
        try:
            return decide(name, fn, state)
        finally:
            hook.session = session

    hook._should_rewrite = should_rewrite
"""#
}
