import Analyzer
import Foundation
import Hummingbird
import Model
import Store

/// The JSON API (`/api/…`) and the probes.
extension DashboardServer {
    func addAPIRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in Responses.json("{\"status\": \"ok\"}") }
        router.get("/readyz") { [self] _, _ in try await readiness() }
        router.get("/metrics") { [self] _, _ in try metricsResponse() }
        router.get("/api/latest-green") { [self] request, _ in try await latestGreen(RequestParameters(request: request)) }
        router.get("/api/builds") { [self] request, _ in try await builds(RequestParameters(request: request)) }
        router.get("/api/builds/**") { [self] request, _ in
            try await build(try RequestParameters(request: request).pathRest(after: "/api/builds/"))
        }
        router.get("/api/flaky") { [self] _, _ in
            let (_, analysis) = try await data.analysis()
            return Responses.json(FlakyReport.json(analysis))
        }
        router.get("/api/trends") { [self] request, _ in try await trends(RequestParameters(request: request)) }
        router.post("/api/quarantine") { [self] request, _ in
            var request = request
            try authorize(request)
            return try await quarantine(body: try await request.collectBody(upTo: 64 << 10))
        }
        router.delete("/api/quarantine/**") { [self] request, _ in
            try authorize(request)
            return try await release(try RequestParameters(request: request).pathRest(after: "/api/quarantine/"))
        }
    }

    func readiness() async throws -> Response {
        do { try await data.read { try $0.ping() } } catch {
            throw DashboardError(status: .serviceUnavailable, message: "the store is not readable: \(error)")
        }
        guard let turning = configuration.loopTurning else {
            throw DashboardError(status: .serviceUnavailable, message: "no coordinator loop in this process")
        }
        guard turning() else {
            throw DashboardError(status: .serviceUnavailable, message: "the coordinator loop has not turned in 5 s")
        }
        return Responses.json("{\"status\": \"ready\"}")
    }

    func metricsResponse() throws -> Response {
        guard let metrics = configuration.metrics?() else {
            throw DashboardError(status: .serviceUnavailable, message: "no coordinator in this process: no metrics")
        }
        let now = DispatchTime.now().uptimeNanoseconds / 1_000_000
        let age = Double(now &- metrics.publishedAtUptimeMilliseconds) / 1000
        return Responses.text(MetricsText.render(metrics, loopAgeSeconds: age), type: MetricsText.contentType)
    }

    /// The branch parameter, checked against the store: an unknown branch is a 404.
    func knownBranch(_ parameters: RequestParameters, required: Bool) async throws -> String? {
        guard let branch = parameters.string("branch") else {
            if required { throw DashboardError.badRequest("the branch parameter is required, e.g. ?branch=main") }
            return nil
        }
        guard try await data.read({ try $0.hasBranch(branch) }) else {
            throw DashboardError.notFound("no build of branch '\(branch)' in the store")
        }
        return branch
    }

    func latestGreen(_ parameters: RequestParameters) async throws -> Response {
        let branch = try await knownBranch(parameters, required: true)!
        let found = try await data.read { store -> (String, String, Double?)? in
            let builds = try store.buildHistory().filter { $0.commit != nil }
            let history = AttemptHistory(stored: StoredHistory(builds: builds))
            guard let green = CommitOrder.latestGreen(history.builds, branch: branch) else { return nil }
            return (green.sha, green.id, try store.build(green.id)?.finishedAt)
        }
        guard let found else { throw DashboardError.notFound("no passing build with a commit on branch '\(branch)'") }
        let (commit, build, finished) = found
        return Responses.json(try APIDocuments.encode(APIDocuments.LatestGreen(branch: branch, commit: commit, build: build,
                                                                               finishedAt: finished)))
    }

    func builds(_ parameters: RequestParameters) async throws -> Response {
        let limit = try parameters.integer("limit", default: 50, in: 1...10_000)
        let branch = try await knownBranch(parameters, required: false)
        let rows = try await data.buildList(branch: branch, limit: limit)
        return Responses.json(try APIDocuments.encode(rows.map(APIDocuments.BuildItem.init)))
    }

    func build(_ id: String) async throws -> Response {
        guard let judged = try await data.judged(id) else { throw DashboardError.notFound("no build '\(id)' in the store") }
        return Responses.json(try APIDocuments.encode(APIDocuments.BuildVerdict(verdict: judged.verdict, state: judged.record.state)))
    }

    func trends(_ parameters: RequestParameters) async throws -> Response {
        let limit = try parameters.integer("limit", default: 100, in: 1...10_000)
        let branch = try await knownBranch(parameters, required: false)
        let (rows, lint) = try await trendData(branch: branch, limit: limit, branchClass: try branchClass(parameters))
        let items = rows.map { row in
            APIDocuments.TrendItem(
                build: row.build, commit: row.commit, branch: row.branch, finishedAt: row.wallSeconds.map { row.createdAt + $0 },
                counts: APIDocuments.counts(tests: row.tests, passed: row.passed, failed: row.failed, skipped: row.skipped,
                                            flaky: row.passedOnRetry),
                lint: lint[row.build] ?? row.commit.flatMap { lint[$0] } ?? [:], verdict: row.verdict,
                wallSeconds: row.wallSeconds, testSeconds: row.testSeconds, flakeRatePercent: TrendReport.flakeRatePercent(row))
        }
        return Responses.json(try APIDocuments.encode(items))
    }

    /// `class=target` (main, master, release/*) or `class=side` (every other branch), or nil.
    func branchClass(_ parameters: RequestParameters) throws -> Bool? {
        switch parameters.string("class") {
        case nil: return nil
        case "target": return true
        case "side": return false
        case let other?: throw DashboardError.badRequest("class must be 'target' or 'side', got '\(other)'")
        }
    }

    /// Trend rows (oldest first) and lint counts per build or commit, optionally of one branch
    /// class (`target`: true).
    func trendData(branch: String?, limit: Int, branchClass: Bool?) async throws
        -> (rows: [BuildTrendRow], lint: [String: [String: Int]])
    {
        try await data.read { store in
            var rows = try store.buildTrends(branch: branch, limit: branchClass == nil ? limit : limit * 4)
            if let target = branchClass {
                rows = Array(rows.filter { Self.isTargetBranch($0.branch) == target }.suffix(limit))
            }
            var lint: [String: [String: Int]] = [:]
            for row in try store.lintTrends(limit: limit * 4) { lint[row.key, default: [:]][row.tool] = row.count }
            return (rows, lint)
        }
    }

    static func isTargetBranch(_ branch: String?) -> Bool {
        guard let branch, !branch.isEmpty else { return true }
        return AnalyzerConfiguration.defaultTargetBranches.contains(branch) || branch.hasPrefix("release/")
    }

    /// Writes need `Authorization: Bearer TOKEN` (the token file's content).
    func authorize(_ request: Request) throws {
        guard let token = configuration.token else {
            throw DashboardError(status: .forbidden, message: "writes are disabled: start the coordinator with --http-token-file FILE")
        }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), Self.constantTimeEqual(String(header.dropFirst(7)), token) else {
            throw DashboardError(status: .unauthorized, message: "missing or wrong bearer token (Authorization: Bearer TOKEN)")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return difference == 0
    }

    func quarantine(body: ByteBuffer) async throws -> Response {
        struct Body: Decodable { var test: String?; var reason: String? }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(body.readableBytesView)) else {
            throw DashboardError.badRequest("the body must be JSON: {\"test\": \"…\", \"reason\": \"…\"}")
        }
        guard let test = decoded.test, !test.isEmpty else { throw DashboardError.badRequest("\"test\" is required") }
        guard let reason = decoded.reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DashboardError.badRequest("\"reason\" is required: say why the test is quarantined")
        }
        try await data.read { try $0.quarantine(test: test, reason: reason) }
        configuration.quarantineChanged?()
        return Responses.json("{\"quarantined\": true, \"reason\": \(JSONQuote.quoted(reason)), \"test\": \(JSONQuote.quoted(test))}")
    }

    func release(_ test: String) async throws -> Response {
        guard try await data.read({ try $0.release(test: test) }) else {
            throw DashboardError.notFound("'\(test)' is not in manual quarantine")
        }
        configuration.quarantineChanged?()
        return Responses.json("{\"released\": true, \"test\": \(JSONQuote.quoted(test))}")
    }
}
