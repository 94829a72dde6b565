import Model

/// unittest-style suites inherit their tests: transitions 0.9.2's `TestLockedHierarchicalTransitions`
/// runs every test of `TestLockedTransitions` again, and `test_pickle`, `test_parallel_deep` and
/// `test_parallel_access` sleep 1–2 s in both. A first build guesses each at 50 ms; the first
/// class's reported, and the second's still wait. At its end one worker held the second class's
/// last of them while the other idled 2.5 s: a reclaim of them was behind the idle worker's
/// place and weighed at its file's scale (`CoordinatorCore.backwardAndSmall`), which its many
/// millisecond tests keep near 1, so they were "too small to be worth a process".
///
/// So a first build notes what each first attempt of a test in a class took under its file and
/// name without the class (`siblingKey(of:)`), and a waiting test with the same key is weighed at
/// least at the longest of those: its siblings'.
extension BuildState {
    /// A test's file and name below its class (`f.py::test_x[1]` for `f.py::TestA::test_x[1]`),
    /// or nil for a test that is not in a class.
    static func siblingKey(of name: String) -> String? {
        let parts = PerArchName.original(of: name).split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return parts[0] + "::" + parts[2]
    }

    /// Notes a first attempt's seconds under its sibling key, in a suite's first build, when it
    /// took at least its prediction: a first build guesses its tests alike, so a sibling that
    /// took less weighs no waiting test above its own prediction, and the key's string work
    /// stays off the ingest path for the fast tests that are most of a suite.
    func noteSibling(_ index: Int, took seconds: Double) {
        guard planned.firstBuild, seconds >= planned.tests[index].predicted,
              let key = Self.siblingKey(of: planned.tests[index].name) else { return }
        siblingSeconds[key] = max(siblingSeconds[key] ?? 0, seconds)
    }

    /// The longest a reported sibling of test `index` took (same file, same name in another
    /// class), or 0.
    func siblingSeconds(of index: Int) -> Double {
        guard !siblingSeconds.isEmpty, let key = Self.siblingKey(of: planned.tests[index].name) else { return 0 }
        return siblingSeconds[key] ?? 0
    }
}
