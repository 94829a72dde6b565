import Analyzer
import Foundation
import Model
import Store

/// One build's page: the verdict and its evidence (failures, passed on retry, quarantined,
/// slip probability, reasons) and what impact selection did. Pure.
enum BuildPage {
    static func html(_ record: StoredBuild, verdict: Verdict, selection: BuildSelection?) -> String {
        let e = HTMLLayout.escape
        let c = verdict.counts
        var html = "<h1>Build \(e(record.spec.id))\(record.simulated ? " <b class=\"sim\">SIMULATED</b>" : "")</h1>\n"
        html += "<table id=\"summary\">"
        let rows: [(String, String)] = [
            ("state", record.state), ("verdict", verdict.verdict.rawValue), ("commit", record.spec.commit ?? "—"),
            ("branch", record.spec.branch ?? "—"), ("suite", record.spec.suite),
            ("tests", "\(c.total): \(c.passed) passed, \(c.failed) failed, \(c.skipped) skipped, \(c.flaky) passed on retry"),
            ("slip probability", String(format: "%.4f", verdict.slipProbability)),
            ("wall time", verdict.wallSeconds.map { String(format: "%.1f s", $0) } ?? "—"),
            ("outage suspected", verdict.outageSuspected ? "yes" : "no"),
        ]
        for (key, value) in rows { html += "<tr><th>\(e(key))</th><td data-key=\"\(e(key))\">\(e(value))</td></tr>" }
        html += "</table>\n<h2>Reasons</h2><ul>" + verdict.reasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        html += "<h2>Failures (\(verdict.failures.count))</h2>\n"
        if verdict.failures.isEmpty {
            html += "<p class=\"muted\">none</p>\n"
        } else {
            html += "<table id=\"failures\"><tr><th>test</th><th>outcome</th><th>attempts</th></tr>"
                + verdict.failures.map { "<tr><td>\(e($0.test))</td><td>\(e($0.outcome))</td><td>\($0.attempts)</td></tr>" }.joined()
                + "</table>\n"
        }
        html += list("Passed on retry", id: "passed-on-retry", verdict.passedOnRetry)
        html += list("Quarantined (failures did not block)", id: "quarantined", verdict.quarantined)
        html += "<h2>Selection</h2>\n"
        if let selection {
            html += "<p>base \(e(selection.base)) → head \(e(selection.head)) (diff from \(e(selection.diffBase))): "
                + "\(selection.selectedCount) tests selected, \(selection.skippedCount) skipped.</p>\n"
            if let rebase = selection.rebaseRequired { html += "<p><b>\(e(rebase))</b></p>\n" }
            if !selection.runAllReasons.isEmpty {
                html += "<p>Everything ran because:</p><ul>" + selection.runAllReasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
            }
            if !selection.skipped.isEmpty {
                html += "<table id=\"skipped\"><tr><th>skipped test</th><th>suite</th><th>why</th></tr>"
                    + selection.skipped.prefix(200).map { "<tr><td>\(e($0.test))</td><td>\(e($0.suite))</td><td>\(e($0.reason))</td></tr>" }
                        .joined()
                    + "</table>\n"
            }
        } else {
            html += "<p class=\"muted\">No impact selection: every planned test ran.</p>\n"
        }
        return html
    }

    static func list(_ title: String, id: String, _ tests: [String]) -> String {
        "<h2>\(HTMLLayout.escape(title)) (\(tests.count))</h2>\n"
            + (tests.isEmpty ? "<p class=\"muted\">none</p>\n"
                : "<ul class=\"tests\" id=\"\(id)\">" + tests.prefix(500).map { "<li>\(HTMLLayout.escape($0))</li>" }.joined() + "</ul>\n")
    }
}
