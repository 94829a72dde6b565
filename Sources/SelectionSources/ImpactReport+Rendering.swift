import Model
import Foundation
import Selection

/// The two printed forms of a selection: readable text (optionally with every reason) and JSON.
extension ImpactReport {
    /// One line per selected test (`suite::test`, or `suite` for a whole suite) after a summary
    /// line; with `explain`, each test's reason chains, the skipped tests with why, and how each
    /// changed path was read.
    public func text(explain: Bool) -> String {
        let selection = self.selection
        var out = watermark?.reason.map { $0 + "\n" } ?? ""
        out += "changes \(short(diffBase))..\(short(head)) (merge base of \(short(base)) and head): "
        out += "\(changes.count) changed path(s); selected \(selection.selected.count) of "
        out += "\(selection.selected.count + selection.skipped.count) tests"
        out += selection.runsEverything ? " (everything runs)\n" : "\n"
        if explain {
            for reason in selection.runAllReasons { out += "everything runs: \(reason)\n" }
            for line in selection.layout { out += line + "\n" }
            out += "changed paths:\n"
            for note in selection.paths {
                out += "  \(note.change)\n"
                for line in note.notes { out += "    \(line)\n" }
            }
            out += "selected:\n"
        }
        for test in selection.selected {
            out += (explain ? "  " : "") + Self.name(test.suite, test.test) + "\n"
            guard explain else { continue }
            for chain in test.reasons { out += "    " + chain.joined(separator: " -> ") + "\n" }
        }
        if explain {
            out += "skipped:\n"
            if selection.skipped.isEmpty { out += "  (none)\n" }
            for test in selection.skipped { out += "  \(Self.name(test.suite, test.test)): \(test.why)\n" }
        }
        return out
    }

    /// `{"base", "head", "diff_base", "rebase_required" (the reason or null), "run_all", "run_all_reasons", "changed", "selected",
    /// "skipped", "counts", "layout"}`, keys in that order.
    public var jsonText: String {
        func q(_ text: String?) -> String { text.map(Self.quoted) ?? "null" }
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        let selection = self.selection
        var out = "{\"base\": \(q(base)), \"head\": \(q(head)), \"diff_base\": \(q(diffBase)), "
        out += "\"rebase_required\": \(q(watermark?.reason)), "
        out += "\"run_all\": \(selection.runsEverything), "
        out += "\"run_all_reasons\": \(list(selection.runAllReasons.map(q))), "
        out += "\"changed\": " + list(changes.map { change in
            "{\"status\": \(q(change.status.rawValue)), \"path\": \(q(change.path)), \"old_path\": \(q(change.oldPath))}"
        }) + ", "
        out += "\"selected\": " + list(selection.selected.map { test in
            "{\"suite\": \(q(test.suite)), \"test\": \(q(test.test)), \"reasons\": "
                + list(test.reasons.map { list($0.map(q)) }) + "}"
        }) + ", "
        out += "\"skipped\": " + list(selection.skipped.map { test in
            "{\"suite\": \(q(test.suite)), \"test\": \(q(test.test)), \"why\": \(q(test.why))}"
        }) + ", "
        out += "\"counts\": {\"selected\": \(selection.selected.count), \"skipped\": \(selection.skipped.count)}, "
        out += "\"layout\": \(list(selection.layout.map(q)))}"
        return out
    }

    /// `JSONText.quoted`, with the common case (nothing to escape) done in one pass over the
    /// bytes: a selection's reasons are thousands of strings.
    private static func quoted(_ text: String) -> String {
        if text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return JSONText.quoted(text)
        }
        return "\"" + text + "\""
    }

    private static func name(_ suite: String, _ test: String?) -> String {
        test.map { "\(suite)::\($0)" } ?? suite
    }

    private func short(_ commit: String) -> String { String(commit.prefix(12)) }
}
