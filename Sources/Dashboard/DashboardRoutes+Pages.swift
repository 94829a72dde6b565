import Analyzer
import Foundation
import Hummingbird
import Model
import Store

/// The HTML pages: builds, one build's evidence, flaky tests, trends.
extension DashboardServer {
    func addPageRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { [self] request, _ in try await buildsPage(RequestParameters(request: request)) }
        router.get("/builds/**") { [self] request, _ in
            try await buildPage(try RequestParameters(request: request).pathRest(after: "/builds/"))
        }
        router.get("/flaky") { [self] _, _ in try await flakyPage() }
        router.get("/trends") { [self] request, _ in try await trendsPage(RequestParameters(request: request)) }
    }

    func buildsPage(_ parameters: RequestParameters) async throws -> Response {
        let limit = try parameters.integer("limit", default: 100, in: 1...10_000)
        let branch = try await knownBranch(parameters, required: false)
        let rows = try await data.buildList(branch: branch, limit: limit)
        let branches = try await data.read { try $0.branches() }
        let options = (["<option value=\"\">all branches</option>"] + branches.map { name in
            "<option value=\"\(HTMLLayout.escape(name))\"\(name == branch ? " selected" : "")>\(HTMLLayout.escape(name))</option>"
        }).joined()
        var html = "<h1>Builds\(branch.map { " on " + HTMLLayout.escape($0) } ?? "")</h1>\n"
        html += "<form method=\"get\" action=\"/\"><label>branch <select name=\"branch\">\(options)</select></label> "
            + "<button type=\"submit\">show</button></form>\n"
        html += "<table id=\"builds\"><tr><th>build</th><th>commit</th><th>branch</th><th>state</th><th>verdict</th><th>tests</th>"
            + "<th>passed</th><th>failed</th><th>skipped</th><th>passed on retry</th><th>started</th></tr>\n"
        let formatter = ISO8601DateFormatter()
        for row in rows {
            let rowClass = row.state == "running" ? "running" : (row.verdict ?? "")
            html += "<tr class=\"\(rowClass)\" data-build=\"\(HTMLLayout.escape(row.build))\">"
                + "<td>\(HTMLLayout.buildLink(row.build))\(row.simulated ? " <b class=\"sim\">SIMULATED</b>" : "")</td>"
                + "<td>\(HTMLLayout.escape(row.commit.map { String($0.prefix(12)) } ?? "—"))</td>"
                + "<td>\(HTMLLayout.escape(row.branch ?? "—"))</td><td>\(row.state)</td><td>\(row.verdict ?? "—")</td>"
                + "<td data-value=\"\(row.tests)\">\(row.tests)</td><td>\(row.passed)</td><td data-value=\"\(row.failed)\">\(row.failed)</td>"
                + "<td>\(row.skipped)</td><td>\(row.passedOnRetry)</td>"
                + "<td>\(formatter.string(from: Date(timeIntervalSince1970: row.createdAt)))</td></tr>\n"
        }
        html += "</table>\n"
        if rows.isEmpty { html += "<p class=\"muted\">No builds stored yet.</p>\n" }
        return Responses.html(HTMLLayout.page(title: "builds", body: html))
    }

    func buildPage(_ id: String) async throws -> Response {
        guard let judged = try await data.judged(id) else { throw DashboardError.notFound("no build '\(id)' in the store") }
        let (verdict, record, selection) = judged
        return Responses.html(HTMLLayout.page(title: "build \(id)", body: BuildPage.html(record, verdict: verdict, selection: selection)))
    }

    func flakyPage() async throws -> Response {
        let (history, analysis) = try await data.analysis()
        let reasons = try await data.read { store in
            Dictionary(try store.quarantined().map { ($0.test, $0.reason) }, uniquingKeysWith: { first, _ in first })
        }
        let body = "<h1>Flaky tests</h1>\n" + FlakySection.html(analysis, history: history, reasons: reasons)
        return Responses.html(HTMLLayout.page(title: "flaky tests", body: body))
    }

    func trendsPage(_ parameters: RequestParameters) async throws -> Response {
        let limit = try parameters.integer("limit", default: 100, in: 1...10_000)
        let branch = try await knownBranch(parameters, required: false)
        let branchClass = try branchClass(parameters)
        let (rows, _) = try await trendData(branch: branch, limit: limit, branchClass: branchClass)
        let lint = try await data.read { try $0.lintTrends(limit: limit) }
        let figures = TrendReport.charts(builds: rows, lint: lint).map { "<figure>\($0.render())</figure>" }.joined(separator: "\n")
        let scope = branch.map { "branch " + HTMLLayout.escape($0) }
            ?? branchClass.map { $0 ? "target branches (main, master, trunk, release/*)" : "side branches (pull requests)" }
            ?? "all branches"
        let body = """
            <h1>Trends</h1>
            <p>\(rows.count) newest finished builds of \(scope), oldest left. Filter: <a href="/trends?class=target">target \
            branches</a> · <a href="/trends?class=side">side branches</a> · <a href="/trends">all</a>; \
            <code>?branch=B&amp;limit=N</code>.</p>
            \(rows.contains(where: \.simulated) ? "<p class=\"sim\">Some builds ran the SIMULATED suite.</p>" : "")
            \(figures)
            """
        return Responses.html(HTMLLayout.page(title: "trends", body: body))
    }
}
