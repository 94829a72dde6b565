public import Model

extension ImpactSelection {
    /// Applies a selection to the adapters' test names one by one, as planning meets them, and
    /// keeps what it leaves out: the count of all of them, and the first
    /// `BuildSelection.skipListCap` by name with the selector's reason for their file or target.
    public struct Filter: Sendable {
        private let lookup: Lookup
        /// The selector's reason per skipped (suite, file or target).
        private let reasons: [String: String]
        public private(set) var selectedCount = 0
        public private(set) var skippedCount = 0
        public private(set) var skipped: [BuildSelection.Skip] = []
        /// The file of the last node id, when its decision holds for the file's other tests.
        private var lastFile: (suite: String, file: String, selected: Bool)?

        public init(_ selection: ImpactSelection) {
            lookup = Lookup(selection)
            var reasons: [String: String] = [:]
            for skip in selection.skipped { reasons[Self.key(skip.suite, skip.test ?? "")] = skip.why }
            self.reasons = reasons
        }

        /// Whether `test` of `suite` is planned; a test left out is counted and, up to the cap, named.
        public mutating func keep(suite: String, test: String) -> Bool {
            // Adapters list a file's tests together, so a node id whose file (the part before the
            // first ':') was just found selected is selected too, without hashing it again.
            // The same goes for a rejected file when `Lookup.rejectionFollowsFile` says so.
            let colon = test.utf8.firstIndex(of: UInt8(ascii: ":"))
            if let colon, let last = lastFile, suite == last.suite, test[..<colon] == last.file {
                if last.selected {
                    selectedCount += 1
                    return true
                }
                return skip(suite: suite, test: test)
            }
            let selected = lookup.selects(suite: suite, test: test)
            lastFile = nil
            if let colon {
                let file = String(test[..<colon])
                if selected, lookup.selects(suite: suite, test: file) {
                    lastFile = (suite, file, true)
                } else if !selected, file.utf8.contains(UInt8(ascii: ".")), lookup.rejectionFollowsFile(suite: suite),
                    !lookup.selects(suite: suite, test: file)
                {
                    lastFile = (suite, file, false)
                }
            }
            if selected {
                selectedCount += 1
                return true
            }
            return skip(suite: suite, test: test)
        }

        private mutating func skip(suite: String, test: String) -> Bool {
            skippedCount += 1
            if skipped.count < BuildSelection.skipListCap {
                skipped.append(BuildSelection.Skip(suite: suite, test: test, reason: reason(suite: suite, test: test)))
            }
            return false
        }

        /// The selector's reason for the test's file (pytest node id) or target (swift), else a
        /// generic one.
        private func reason(suite: String, test: String) -> String {
            if let why = reasons[Self.key(suite, test)] { return why }
            for separator in [":", "."] as [Character] {
                if let end = test.firstIndex(of: separator), let why = reasons[Self.key(suite, String(test[..<end]))] {
                    return why
                }
            }
            return "no changed path affects it"
        }

        private static func key(_ suite: String, _ test: String) -> String { suite + "\u{0}" + test }
    }
}
