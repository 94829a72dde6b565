/// The flaky-test section of the static report and the dashboard's flaky page: every test that
/// is not stable, most harmful first, with its state, flake rate, evidence, quarantine state and
/// a history strip (its newest builds, one cell each). Pure: it renders what it is given.
public enum FlakySection {
    /// How one build went for one test, as a history-strip cell.
    public enum Cell: String, Sendable {
        /// Every attempt passed.
        case pass
        /// Failed, then passed on a retry (flaky evidence).
        case retry
        /// Every attempt failed.
        case fail
        /// Skipped (or an expected failure): says nothing.
        case skip
    }

    /// Styles the section needs (the page embeds them; no external assets).
    public static let css = """
        table.flaky td, table.flaky th { text-align: left; vertical-align: top }
        .strip { display: inline-flex; gap: 1px } .strip i { display: inline-block; width: 7px; height: 14px }
        .strip .pass { background: #2ca02c } .strip .retry { background: #ff7f0e } .strip .fail { background: #d62728 }
        .strip .skip { background: #ccc } td.evidence { text-align: left; max-width: 48em; font-size: 90% }
        .state-broken { color: #d62728 } .state-flaky { color: #e67e00 } .state-quarantined { color: #7f4fbf }
        .state-fixed { color: #2ca02c }
        """

    /// Each test's newest `builds` builds (oldest first), for the tests in `tests`.
    public static func strips(_ history: AttemptHistory, tests: Set<Int32>, builds: Int = 30) -> [Int32: [(build: Int32, cell: Cell)]] {
        var perBuild: [Int32: [Int32: (fails: Int, passes: Int, other: Int)]] = [:]
        for record in history.records where tests.contains(record.test) {
            var cell = perBuild[record.test, default: [:]][record.build] ?? (0, 0, 0)
            switch record.outcome {
            case .failed, .error: cell.fails += 1
            case .passed: cell.passes += 1
            default: cell.other += 1
            }
            perBuild[record.test, default: [:]][record.build] = cell
        }
        return perBuild.mapValues { byBuild in
            byBuild.keys.sorted().suffix(builds).map { build in
                let c = byBuild[build]!
                let cell: Cell = c.fails > 0 ? (c.passes > 0 ? .retry : .fail) : c.passes > 0 ? .pass : .skip
                return (build, cell)
            }
        }
    }

    /// The section: a heading, a count line, and a table (or a sentence when nothing is flaky).
    /// `reasons` are people's quarantine reasons by test.
    public static func html(_ analysis: FlakyAnalysis, history: AttemptHistory, reasons: [String: String] = [:],
                            limit: Int = 200) -> String {
        let rows = Array(FlakyReport.rows(analysis).prefix(limit))
        let branchBreaks = FlakyReport.branchBreakRows(analysis)
        var html = "<section id=\"flaky\"><h2>Flaky and broken tests</h2>\n"
        guard !rows.isEmpty || !branchBreaks.isEmpty else {
            return html + "<p>No flaky or broken tests among \(analysis.tests.count) tests.</p></section>\n"
        }
        let counts = TestState.allCases.compactMap { state -> String? in
            let count = analysis.tests.lazy.filter { $0.state == state }.count
            return state == .stable || count == 0 ? nil : "\(count) \(state.rawValue)"
        }
        html += "<p>\(counts.joined(separator: ", ")) among \(analysis.tests.count) tests.</p>\n"
        let strips = Self.strips(history, tests: Set(rows.map(\.test)))
        html += "<table class=\"flaky\"><tr><th>test</th><th>state</th><th>flake rate</th><th>failed builds</th>"
            + "<th>quarantine</th><th>history (newest right)</th><th>evidence</th></tr>\n"
        for test in rows {
            let state = FlakyReport.stateLabel(test)
            let quarantine: String
            if let reason = test.quarantine {
                quarantine = reason.rawValue + (reasons[test.name].map { ": " + HTMLText.escape($0) } ?? "")
            } else {
                quarantine = "—"
            }
            let cells = (strips[test.test] ?? []).map { entry -> String in
                let build = history.builds[Int(entry.build)]
                return "<i class=\"\(entry.cell.rawValue)\" data-outcome=\"\(entry.cell.rawValue)\" "
                    + "title=\"\(HTMLText.escape(build.id)) @ \(HTMLText.escape(build.sha)): \(entry.cell.rawValue)\"></i>"
            }.joined()
            let dependsOn = test.orderDependency.map { " data-depends-on=\"\(HTMLText.escape($0.dependsOn))\"" } ?? ""
            html += "<tr data-test=\"\(HTMLText.escape(test.name))\" data-state=\"\(test.state.rawValue)\"\(dependsOn)>"
                + "<td>\(HTMLText.escape(test.name))</td><td class=\"state-\(test.state.rawValue)\">\(HTMLText.escape(state))</td>"
                + "<td data-value=\"\(test.flakeRate)\">\(FlakyReport.percent(test.flakeRate))</td>"
                + "<td>\(test.harm.failedBuilds)</td><td>\(quarantine)</td>"
                + "<td><span class=\"strip\">\(cells)</span></td>"
                + "<td class=\"evidence\">\(HTMLText.escape(FlakyReport.evidence(test)))</td></tr>\n"
        }
        for test in branchBreaks {
            let found = test.branchBreak!
            html += "<tr data-test=\"\(HTMLText.escape(test.name))\" data-state=\"broken\" data-branch=\"\(HTMLText.escape(found.branch))\">"
                + "<td>\(HTMLText.escape(test.name))</td><td class=\"state-broken\">broken on \(HTMLText.escape(found.branch))</td>"
                + "<td>—</td><td>—</td><td>—</td><td></td>"
                + "<td class=\"evidence\">\(HTMLText.escape(FlakyReport.branchEvidence(found)))</td></tr>\n"
        }
        return html + "</table></section>\n"
    }
}
