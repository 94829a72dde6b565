import Model

extension BuildSelection {
    /// One line for `run`'s progress output: what selection kept, or why everything runs.
    var summaryLine: String {
        if let rebaseRequired { return "testfleet: \(rebaseRequired)\n" }
        let range = "\(base.prefix(12))...\(head.prefix(12))"
        if !runAllReasons.isEmpty {
            return "testfleet: selection \(range): everything runs (\(runAllReasons[0])"
                + (runAllReasons.count > 1 ? "; \(runAllReasons.count - 1) more reason(s))\n" : ")\n")
        }
        return "testfleet: selection \(range): \(selectedCount) test(s) affected, \(skippedCount) skipped\n"
    }
}
