import Foundation
import Model
import Testing

@testable import Adapters

/// The swift adapter on real packages built by the real toolchain: the fixture in
/// Tests/Fixtures/swift (copied to a temp dir so the repo stays clean), a package whose tests
/// crash, and one that does not compile.
@Suite struct SwiftTestAdapterTests {
    @Test func fixtureCountsEqualWhatSwiftTestReports() throws {
        let dir = try SwiftFixtureFiles.copy(SwiftFixtureFiles.fixture("swift"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = SuiteDefinition(name: "swift-fixture", adapter: .swift, directory: dir, timeout: 120)
        let adapter = SwiftTestAdapter()

        let names = try adapter.inventory(of: suite)
        #expect(names.contains("ArithmeticTests.AdditionXCTests/testSkipped"))
        #expect(names.contains("ArithmeticTests.DoublingTests/doublingIsAddingToItself(value:)"))
        let results = SwiftFixtureFiles.collect { adapter.run(names, of: suite, attempt: 1, report: $0) }
        #expect(results.map(\.name).sorted() == names.sorted(), "every requested test exactly once")

        // The oracle: a plain `swift test` in the same package, counted from its own console.
        let plain = try ProcessRunner().run(.argv(["swift", "test"]), in: dir, timeout: 600, outputCap: 1 << 22)
        let framework = SwiftFixtureFiles.countsFromConsole(String(decoding: plain.output, as: UTF8.self))
        let ours = SwiftFixtureFiles.counts(results)
        #expect(framework.values.reduce(0, +) == names.count, "swift test ran every listed test")
        #expect(ours == framework)
        #expect(ours[.failed] == 2 && ours[.skipped] == 2, "the fixture has 2 deliberate failures and 2 skips")

        let failure = try #require(results.first { $0.name == "ArithmeticTests.AdditionXCTests/testDeliberateFailure" })
        #expect(String(decoding: failure.output, as: UTF8.self).contains("XCTAssertEqual failed"))
        let swiftTestingFailure = try #require(results.first { $0.name == "ArithmeticTests.DoublingTests/deliberateFailure()" })
        #expect(swiftTestingFailure.outcome == .failed)
        #expect(String(decoding: swiftTestingFailure.output, as: UTF8.self).contains("fails on purpose"))

        // A batch of some tests runs just those; an unknown name is an error, never a pass.
        let some = [
            "ArithmeticTests.AdditionXCTests/testAddsSmallNumbers", "ArithmeticTests.disabledOnPurpose()",
            "ArithmeticTests.AdditionXCTests/testNoSuchTest", "ArithmeticTests.DoublingTests/noSuchTest()",
        ]
        let subset = SwiftFixtureFiles.collect { adapter.run(some, of: suite, attempt: 2, report: $0) }
        #expect(subset.map(\.name) .sorted() == some.sorted())
        let outcomes = Dictionary(uniqueKeysWithValues: subset.map { ($0.name, $0.outcome) })
        #expect(outcomes == [
            "ArithmeticTests.AdditionXCTests/testAddsSmallNumbers": .passed, "ArithmeticTests.disabledOnPurpose()": .skipped,
            "ArithmeticTests.AdditionXCTests/testNoSuchTest": .error, "ArithmeticTests.DoublingTests/noSuchTest()": .error,
        ])

        // The build is reused between batches only while the sources stay the same.
        let file = dir + "/Tests/ArithmeticTests/AdditionXCTests.swift"
        let source = try String(contentsOfFile: file, encoding: .utf8)
        try source.replacingOccurrences(of: "XCTAssertEqual(add(2, 3), 5)", with: "XCTAssertEqual(add(2, 3), 6)")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let edited = SwiftFixtureFiles.collect {
            adapter.run(["ArithmeticTests.AdditionXCTests/testAddsSmallNumbers"], of: suite, attempt: 3, report: $0)
        }
        #expect(edited.map(\.outcome) == [.failed], "an edited test is rebuilt before it runs")

        // SwiftPM's leftovers stayed in the directories lent to the calls, which are empty once
        // their holders let go (a test running beside this one may hold one now).
        let lent = SwiftTemporaryDirectories.shared.root
        for name in try FileManager.default.contentsOfDirectory(atPath: lent) where !name.hasSuffix(".lock") {
            let lock = open(lent + "/" + name + ".lock", O_RDWR)
            defer { if lock >= 0 { close(lock) } }
            guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else { continue }
            #expect(try FileManager.default.contentsOfDirectory(atPath: lent + "/" + name).isEmpty, "\(lent)/\(name)")
        }
    }

    @Test func aCrashOrHangErrorsOnlyThatTestAndTheRestStillRun() throws {
        let dir = try SwiftFixtureFiles.makePackage(tests: """
            import Foundation
            import XCTest
            import Testing
            final class CrashX: XCTestCase {
                func testA() {}
                func testCrash() { fatalError("xctest crash on purpose") }
                func testHangs() { sleep(600) }
                func testZ() {}
            }
            /// Together longer than the per-test timeout, each well within it: must pass.
            final class SlowX: XCTestCase {
                func testSlow1() { sleep(4) }
                func testSlow2() { sleep(4) }
                func testSlow3() { sleep(4) }
            }
            @Test func fine() {}
            @Test func crashes() { fatalError("swift testing crash on purpose") }
            @Test func hangs() async { try? await Task.sleep(for: .seconds(600)) }
            @Test func alsoFine() {}
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 10 s per test: a hang is killed after 10 s without a test starting or finishing.
        let suite = SuiteDefinition(name: "crashy", adapter: .swift, directory: dir, timeout: 10)
        let names = [
            "CrashyTests.CrashX/testA", "CrashyTests.CrashX/testCrash", "CrashyTests.CrashX/testHangs",
            "CrashyTests.CrashX/testZ", "CrashyTests.fine()", "CrashyTests.crashes()", "CrashyTests.hangs()",
            "CrashyTests.alsoFine()", "CrashyTests.SlowX/testSlow1", "CrashyTests.SlowX/testSlow2", "CrashyTests.SlowX/testSlow3",
        ]
        let results = SwiftFixtureFiles.collect { SwiftTestAdapter().run(names, of: suite, attempt: 1, report: $0) }
        #expect(results.map(\.name).sorted() == names.sorted())
        let outcomes = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.outcome) })
        let expected: [String: Outcome] = [
            "CrashyTests.CrashX/testA": .passed, "CrashyTests.CrashX/testCrash": .error,
            "CrashyTests.CrashX/testHangs": .error, "CrashyTests.CrashX/testZ": .passed,
            "CrashyTests.fine()": .passed, "CrashyTests.crashes()": .error, "CrashyTests.hangs()": .error,
            "CrashyTests.alsoFine()": .passed, "CrashyTests.SlowX/testSlow1": .passed, "CrashyTests.SlowX/testSlow2": .passed,
            "CrashyTests.SlowX/testSlow3": .passed,
        ]
        // A mismatch shows what the adapter said about each wrong test (CI keeps only this log).
        let wrong = results.filter { expected[$0.name] != $0.outcome }
            .map { "\($0.name): \(String(decoding: $0.output, as: UTF8.self))" }
        #expect(outcomes == expected, "\(wrong.joined(separator: "\n---\n"))")
        let crash = try #require(results.first { $0.name == "CrashyTests.CrashX/testCrash" })
        let text = String(decoding: crash.output, as: UTF8.self)
        #expect(text.contains("xctest crash on purpose"))
        #expect(text.contains("[testfleet] this test started but never finished"))
        let hang = try #require(results.first { $0.name == "CrashyTests.CrashX/testHangs" })
        #expect(String(decoding: hang.output, as: UTF8.self).contains("the suite's per-test timeout"))
    }

    @Test func aPackageThatDoesNotBuildErrorsEveryTestWithTheCompilerOutput() throws {
        let dir = try SwiftFixtureFiles.makePackage(tests: """
            import Testing
            @Test func neverBuilds() { let x: Int = "not an int" }
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = SuiteDefinition(name: "broken", adapter: .swift, directory: dir, timeout: 60)
        let names = ["CrashyTests.neverBuilds()", "CrashyTests.Other/testX"]
        let results = SwiftFixtureFiles.collect { SwiftTestAdapter().run(names, of: suite, attempt: 1, report: $0) }
        #expect(results.map(\.name) == names)
        for result in results {
            #expect(result.outcome == .error)
            let text = String(decoding: result.output, as: UTF8.self)
            #expect(text.contains("cannot convert value of type 'String'"))
            #expect(text.contains("`swift build --build-tests` failed"))
        }
        #expect(throws: TestfleetError.self) { try SwiftTestAdapter().inventory(of: suite) }
    }

    @Test func aMissingSwiftIsAnErrorNotAPass() {
        let suite = SuiteDefinition(name: "s", adapter: .swift, directory: NSTemporaryDirectory(), command: "/nonexistent/swift")
        let results = SwiftFixtureFiles.collect { SwiftTestAdapter().run(["M.C/testA", "not a name"], of: suite, attempt: 1, report: $0) }
        #expect(results.map(\.outcome) == [.error, .error])
        #expect(results.map(\.name).sorted() == ["M.C/testA", "not a name"])
    }
}

/// Files and counting shared by the swift and go adapter tests.
enum SwiftFixtureFiles {
    /// Tests/Fixtures/<name> of this repository.
    static func fixture(_ name: String, file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// A copy of `source` in a fresh temp dir, without build products (a copied `.build` does
    /// not work: its module cache remembers the old path).
    static func copy(_ source: String) throws -> String {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-fixture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: source) where item != ".build" && item != ".swiftpm" {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: target + "/" + item)
        }
        return target
    }

    /// A package `Crashy` with one test target `CrashyTests` holding `tests`.
    static func makePackage(tests: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-pkg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/Tests/CrashyTests", withIntermediateDirectories: true)
        try """
            // swift-tools-version:6.0
            import PackageDescription
            let package = Package(name: "Crashy", targets: [.testTarget(name: "CrashyTests")])
            """.write(toFile: dir + "/Package.swift", atomically: true, encoding: .utf8)
        try tests.write(toFile: dir + "/Tests/CrashyTests/CrashyTests.swift", atomically: true, encoding: .utf8)
        return dir
    }

    static func collect(_ body: ((AdapterResult) -> Void) -> Void) -> [AdapterResult] {
        var results: [AdapterResult] = []
        body { results.append($0) }
        return results
    }

    static func counts(_ results: [AdapterResult]) -> [Outcome: Int] {
        results.reduce(into: [:]) { $0[$1.outcome, default: 0] += 1 }
    }

    /// Per-outcome counts from `swift test`'s own console: XCTest's `Test Case '…' passed (` lines
    /// and Swift Testing's per-test `✔ Test … passed after`, `✘ Test … failed after`,
    /// `➜ Test … skipped` lines.
    static func countsFromConsole(_ text: String) -> [Outcome: Int] {
        var counts: [Outcome: Int] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Test Case '") {
                if line.contains("' passed (") { counts[.passed, default: 0] += 1 }
                if line.contains("' failed (") { counts[.failed, default: 0] += 1 }
                if line.contains("' skipped (") { counts[.skipped, default: 0] += 1 }
            } else if line.hasPrefix("✔ Test "), !line.hasPrefix("✔ Test run with"), line.contains(" passed after ") {
                counts[.passed, default: 0] += 1
            } else if line.hasPrefix("✘ Test "), !line.hasPrefix("✘ Test run with"), line.contains(" failed after ") {
                counts[.failed, default: 0] += 1
            } else if line.hasPrefix("➜ Test "), line.contains(" skipped") {
                counts[.skipped, default: 0] += 1
            }
        }
        return counts
    }
}
