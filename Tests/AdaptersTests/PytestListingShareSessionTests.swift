import Foundation
import Model
import Testing
@testable import Adapters

/// A first build's listing split between warm sessions on a real pytest: each session collects
/// its share of the files, the merged listing equals one session's whole listing, in order, and
/// a session still runs tests of files another share collected.
@Suite(.serialized) struct PytestListingShareSessionTests {
    let scratch: TemporaryDirectory

    init() throws { scratch = try TemporaryDirectory() }

    private func suite(_ directory: String) -> SuiteDefinition {
        SuiteDefinition(name: "shared", adapter: .pytest, directory: directory, command: "python3 -m pytest",
                        timeout: 60, environment: PytestWarmTests.environment)
    }

    /// Starts a listing session (of `share`, when given) and returns its listing's bytes.
    private func list(_ directory: String, share: PytestListingShare?, sessions: PytestWarmSessions) throws -> Data {
        let path = scratch.path + "/listing-\(UUID().uuidString).json"
        #expect(PytestAdapter().prewarm(suite(directory), key: "k", sessions: sessions, servers: nil, listing: path, share: share))
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Two sessions, each listing its share of `directory`'s files, and their merged listing.
    private func listInTwoShares(_ directory: String, log: LogLines) throws -> (merged: PytestListingShare.Merged, sessions: [PytestWarmSessions]) {
        let shares = [PytestListingShare(index: 0, count: 2)!, PytestListingShare(index: 1, count: 2)!]
        let sessions = shares.map { _ in PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) } }
        do {
            return (try PytestListingShare.merge(try zip(shares, sessions).map { try list(directory, share: $0, sessions: $1) }), sessions)
        } catch {
            sessions.forEach { $0.shutdown() }
            throw error
        }
    }

    @Test func sharedListingsMergeIntoTheWholeListingAndEverySessionRunsAnyFile() throws {
        // A module that cannot be imported; one skipped whole; several test files.
        for directory in [PytestWarmTests.outcomesFixture, PytestWarmTests.fixture] {
            let log = LogLines()
            let whole = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
            defer { whole.shutdown() }
            let everything = try JSONDecoder().decode([String].self, from: try list(directory, share: nil, sessions: whole))

            let (merged, sessions) = try listInTwoShares(directory, log: log)
            defer { sessions.forEach { $0.shutdown() } }
            #expect(merged.ids == everything, "\(directory)")
            let owners = Set(merged.shareOfFile.values)
            #expect(owners == [0, 1], "both shares collected files: \(merged.shareOfFile)")

            // Share 0's session runs a test of a file share 1 collected (collecting it now).
            guard let foreign = merged.ids.first(where: { merged.shareOfFile[String(TestFile.of($0))] == 1 }) else {
                Issue.record("no file of share 1 in \(merged.shareOfFile)")
                continue
            }
            var results: [AdapterResult] = []
            PytestAdapter().runWarm([foreign], of: suite(directory), key: "k", sessions: sessions[0]) { results.append($0) }
            var reference: [AdapterResult] = []
            PytestAdapter().runWarm([foreign], of: suite(directory), key: "k", sessions: whole) { reference.append($0) }
            #expect(results.map(\.outcome) == reference.map(\.outcome) && results.count == 1, "\(foreign): \(results) \(log.lines)")
        }
    }

    /// A test module of another share is imported all the same, as a plain run imports every
    /// test module before its first test: a test that relies on that passes in either share.
    @Test func aShareImportsTheOtherSharesModulesAsAPlainRunDoes() throws {
        let directory = URL(fileURLWithPath: PytestWarmTests.fixture).deletingLastPathComponent().appendingPathComponent("pytest-shares").path
        let log = LogLines()
        let (merged, sessions) = try listInTwoShares(directory, log: log)
        defer { sessions.forEach { $0.shutdown() } }
        let needy = "tests/test_zz_needs_marker.py::test_needs_the_marker_module_imported"
        #expect(merged.shareOfFile == ["tests/test_aa_marker.py": 0, "tests/test_zz_needs_marker.py": 1])
        #expect(merged.ids == ["tests/test_aa_marker.py::test_marker", needy])
        var results: [AdapterResult] = []
        PytestAdapter().runWarm([needy], of: suite(directory), key: "k", sessions: sessions[1]) { results.append($0) }
        #expect(results.map(\.outcome) == [.passed], "\(results.map { String(decoding: $0.output, as: UTF8.self) }) \(log.lines)")
    }

    /// A conftest that orders the suite across files (as pytest-django does) makes an order no
    /// merge of shares can rebuild: the share that sees it lists the whole suite instead, in
    /// pytest's order.
    @Test func aSuiteOrderedAcrossFilesIsListedWholeByTheShareThatSeesIt() throws {
        let directory = URL(fileURLWithPath: PytestWarmTests.fixture).deletingLastPathComponent().appendingPathComponent("pytest-reorder").path
        let log = LogLines()
        let whole = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { whole.shutdown() }
        let everything = try JSONDecoder().decode([String].self, from: try list(directory, share: nil, sessions: whole))
        #expect(everything == ["tests/test_a_first.py::test_plain", "tests/test_b_big.py::test_b", "tests/test_c.py::test_c",
                               "tests/test_a_first.py::test_migrates"])
        let (merged, sessions) = try listInTwoShares(directory, log: log)
        defer { sessions.forEach { $0.shutdown() } }
        #expect(merged.ids == everything, "pytest's order, not the files': \(merged.ids)")
        #expect(merged.shareOfFile.isEmpty, "a whole listing, not merged shares: \(merged.shareOfFile)")
        // The session that listed the whole suite runs every test of it, in pytest's order.
        for session in sessions {
            var results: [AdapterResult] = []
            PytestAdapter().runWarm(everything, of: suite(directory), key: "k", sessions: session) { results.append($0) }
            #expect(results.map(\.name) == everything && results.allSatisfy { $0.outcome == .passed }, "\(results) \(log.lines)")
        }
    }

    /// A collector inside a file that subclasses pytest.Module (pytest-describe's describe
    /// blocks) is no file to share: its file goes to one share whole, and each session runs
    /// every test of it in the session, none cold for want of its collection.
    @Test func blocksInsideAFileStayWithTheirFile() throws {
        let directory = SwiftFixtureFiles.fixture("pytest-blocks")
        let log = LogLines()
        let (merged, sessions) = try listInTwoShares(directory, log: log)
        defer { sessions.forEach { $0.shutdown() } }
        #expect(merged.shareOfFile == ["tests/test_blocks.py": 0, "tests/test_plain.py": 1])
        let blocks = merged.ids.filter { $0.hasPrefix("tests/test_blocks.py::describe_") }
        #expect(blocks.count == 24 && merged.ids.count == 25, "\(merged.ids)")
        for session in sessions {
            var results: [AdapterResult] = []
            PytestAdapter().runWarm(blocks, of: suite(directory), key: "k", sessions: session) { results.append($0) }
            #expect(results.count == 24 && results.allSatisfy { $0.outcome == .passed }, "\(results)")
        }
        #expect(!log.lines.contains { $0.contains("not collected there") }, "\(log.lines)")
    }
}
