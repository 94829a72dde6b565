/// A retry's context (`GrantedTest.context`): the tests of its file that a plain pytest run runs
/// before it, run first in the same fresh process and not reported.
extension SlotPool {
    /// `tests` with each one's context before it, every name once: a context test that is itself
    /// granted (two failed tests of one file retried together) runs where the context puts it,
    /// and is reported as granted.
    static func withContexts(_ tests: [String], _ contexts: [[String]]) -> [String] {
        guard contexts.contains(where: { !$0.isEmpty }) else { return tests }
        var seen = Set<String>()
        var names: [String] = []
        for (test, context) in zip(tests, contexts) {
            for name in context where seen.insert(name).inserted { names.append(name) }
            if seen.insert(test).inserted { names.append(test) }
        }
        return names
    }
}
