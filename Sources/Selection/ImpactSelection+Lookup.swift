/// Matching a selection against test names as the adapters spell them, for `testfleet run
/// --base --head`.
extension ImpactSelection {
    /// Answers "is this test selected?" in constant time for adapter test names: a pytest node id
    /// (`tests/test_x.py::TestK::test_y`) is selected with its file, a swift test
    /// (`ModelTests.Suite/test()`) with its test target (module name), any test of a suite
    /// selected whole is selected, and everything is selected when everything runs. A per-arch
    /// copy `name@arch` is selected with `name`.
    public struct Lookup: Sendable {
        private let everything: Bool
        private let wholeSuites: Set<String>
        /// Selected file paths or target names per suite, as substrings so a name's prefix is
        /// looked up in place: planning asks once per test, a million times, and building a
        /// `String` for each prefix (and a suite-qualified key) cost seconds.
        private let tests: [String: Set<Substring>]

        public init(_ selection: ImpactSelection) {
            everything = selection.runsEverything
            wholeSuites = Set(selection.selected.filter { $0.test == nil }.map(\.suite))
            var tests: [String: Set<Substring>] = [:]
            for entry in selection.selected {
                guard let test = entry.test else { continue }
                tests[entry.suite, default: []].insert(Substring(test))
                // Swift module names replace characters a target name may hold but an identifier may not.
                tests[entry.suite, default: []].insert(Substring(String(test.map { $0.isLetter || $0.isNumber ? $0 : "_" })))
            }
            self.tests = tests
            colonSuites = Set(tests.filter { $0.value.contains { $0.utf8.contains(UInt8(ascii: ":")) } }.map(\.key))
        }

        /// Suites with a selected name holding ':' (rare: file paths and target names do not).
        private let colonSuites: Set<String>

        /// Whether, in `suite`, a node id is rejected whenever its file part (before the first
        /// ':') is rejected, provided that file part holds a '.': then no selected name can equal
        /// the node id, and its '.'-prefix and '@'-stripped forms reduce to the file's. Lets the
        /// filter decide a whole rejected file's tests from the first one.
        func rejectionFollowsFile(suite: String) -> Bool { !colonSuites.contains(suite) }

        public func selects(suite: String, test name: String) -> Bool {
            if everything || wholeSuites.contains(suite) { return true }
            guard let selected = tests[suite] else { return false }
            return Self.selects(name[...], in: selected)
        }

        private static func selects(_ name: Substring, in selected: Set<Substring>) -> Bool {
            if selected.contains(name) { return true }
            // ASCII separators sit on character boundaries, so the UTF-8 search is exact (and far
            // cheaper than a `Character` search).
            let bytes = name.utf8
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), selected.contains(name[..<colon]) { return true }
            if let dot = bytes.firstIndex(of: UInt8(ascii: ".")), selected.contains(name[..<dot]) { return true }
            // An `every`-arch test runs as one copy per arch, named `name@arch`: it is its original.
            if let at = bytes.lastIndex(of: UInt8(ascii: "@")), at != name.startIndex {
                return selects(name[..<at], in: selected)
            }
            return false
        }
    }
}
