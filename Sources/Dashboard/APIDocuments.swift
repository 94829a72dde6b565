import Foundation
import Model
import Store

/// The JSON documents of the API, encoded as `gate --json` encodes verdicts (JSONEncoder, sorted
/// keys): one shape everywhere. `finished_at` is Unix time in seconds.
///
/// The documents spell out `encode(to:)` because the synthesized one leaves a nil field out,
/// and the contract's keys (`commit`, `branch`, `verdict`, `finished_at`, …) are always present,
/// `null` when unknown, so a client never has to tell "missing" from "not yet".
enum APIDocuments {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A verdict (as `gate --json`) plus the build's state: the verdict's own keys and `state`.
    struct BuildVerdict: Encodable {
        var verdict: Verdict
        var state: String
        enum Key: String, CodingKey { case state }
        func encode(to encoder: any Encoder) throws {
            try verdict.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(state, forKey: .state)
        }
    }

    /// One row of `/api/builds`.
    struct BuildItem: Encodable {
        var build: String
        var commit: String?
        var branch: String?
        var state: String
        var verdict: String?
        var counts: Verdict.Counts
        var simulated: Bool
        var createdAt: Double
        var finishedAt: Double?

        enum CodingKeys: String, CodingKey {
            case build, commit, branch, state, verdict, counts, simulated
            case createdAt = "created_at"
            case finishedAt = "finished_at"
        }

        init(_ row: BuildListRow) {
            build = row.build
            commit = row.commit
            branch = row.branch
            state = row.state
            verdict = row.verdict
            counts = APIDocuments.counts(tests: row.tests, passed: row.passed, failed: row.failed, skipped: row.skipped,
                                         flaky: row.passedOnRetry)
            simulated = row.simulated
            createdAt = row.createdAt
            finishedAt = row.finishedAt
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(build, forKey: .build)
            try c.encode(commit, forKey: .commit)
            try c.encode(branch, forKey: .branch)
            try c.encode(state, forKey: .state)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(counts, forKey: .counts)
            try c.encode(simulated, forKey: .simulated)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(finishedAt, forKey: .finishedAt)
        }
    }

    /// One row of `/api/trends`.
    struct TrendItem: Encodable {
        var build: String
        var commit: String?
        var branch: String?
        var finishedAt: Double?
        var counts: Verdict.Counts
        var lint: [String: Int]
        var verdict: String?
        var wallSeconds: Double?
        var testSeconds: Double
        var flakeRatePercent: Double

        enum CodingKeys: String, CodingKey {
            case build, commit, branch, counts, lint, verdict
            case finishedAt = "finished_at"
            case wallSeconds = "wall_seconds"
            case testSeconds = "test_seconds"
            case flakeRatePercent = "flake_rate_percent"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(build, forKey: .build)
            try c.encode(commit, forKey: .commit)
            try c.encode(branch, forKey: .branch)
            try c.encode(finishedAt, forKey: .finishedAt)
            try c.encode(counts, forKey: .counts)
            try c.encode(lint, forKey: .lint)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(wallSeconds, forKey: .wallSeconds)
            try c.encode(testSeconds, forKey: .testSeconds)
            try c.encode(flakeRatePercent, forKey: .flakeRatePercent)
        }
    }

    /// `/api/latest-green`.
    struct LatestGreen: Encodable {
        var branch: String
        var commit: String
        var build: String
        var finishedAt: Double?
        enum CodingKeys: String, CodingKey {
            case branch, commit, build
            case finishedAt = "finished_at"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(branch, forKey: .branch)
            try c.encode(commit, forKey: .commit)
            try c.encode(build, forKey: .build)
            try c.encode(finishedAt, forKey: .finishedAt)
        }
    }

    static func counts(tests: Int, passed: Int, failed: Int, skipped: Int, flaky: Int) -> Verdict.Counts {
        var counts = Verdict.Counts()
        counts.total = tests
        counts.passed = passed
        counts.failed = failed
        counts.skipped = skipped
        counts.flaky = flaky
        return counts
    }
}
