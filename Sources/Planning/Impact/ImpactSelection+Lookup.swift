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
        private let tests: Set<String>

        public init(_ selection: ImpactSelection) {
            everything = selection.runsEverything
            wholeSuites = Set(selection.selected.filter { $0.test == nil }.map(\.suite))
            var keys: Set<String> = []
            for entry in selection.selected {
                guard let test = entry.test else { continue }
                keys.insert(Self.key(entry.suite, test))
                // Swift module names replace characters a target name may hold but an identifier may not.
                keys.insert(Self.key(entry.suite, String(test.map { $0.isLetter || $0.isNumber ? $0 : "_" })))
            }
            tests = keys
        }

        public func selects(suite: String, test name: String) -> Bool {
            if everything || wholeSuites.contains(suite) || tests.contains(Self.key(suite, name)) { return true }
            if let separator = name.firstIndex(of: ":"), tests.contains(Self.key(suite, String(name[..<separator]))) {
                return true
            }
            if let dot = name.firstIndex(of: "."), tests.contains(Self.key(suite, String(name[..<dot]))) { return true }
            // An `every`-arch test runs as one copy per arch, named `name@arch`: it is its original.
            if let at = name.lastIndex(of: "@"), at != name.startIndex {
                return selects(suite: suite, test: String(name[..<at]))
            }
            return false
        }

        private static func key(_ suite: String, _ test: String) -> String { suite + "\u{0}" + test }
    }
}
