import Foundation
import JUnit
import Model
import Store
import Testing

/// `testfleet run --local 2` on the real fixture projects (pytest, Swift, Go), each described by a
/// testfleet.toml written into a temp dir; the per-outcome counts of the final attempts must equal
/// what the framework itself reports when run alone on the same project, in the same test.
@Suite(.serialized) struct FixtureRunTests {
    let directory = Testfleet.temporaryDirectory()

    static func fixture(_ name: String) -> String {
        Testfleet.fixture(name)
    }

    /// Runs the suite file through `testfleet run --local 2 --retries 0` and returns the final
    /// outcome counts from the store.
    func runThroughTestfleet(adapter: String, dir: String, build: String) throws -> [Outcome: Int] {
        try """
            [[suite]]
            name = "\(adapter)-fixture"
            adapter = "\(adapter)"
            dir = "\(dir)"
            timeout_s = 300
            """.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        let run = try Testfleet.run(["run", "--local", "2", "--retries", "0", "--suite", "testfleet.toml", "--db", "d.db",
                                     "--build", build, "--quiet", "--junit", "\(build).xml"], in: directory, timeout: 900)
        #expect(run.code == 1, "every fixture has deliberate failures, so the gate fails: \(run.stderr)")
        #expect(run.stdout.contains("verdict: FAIL"))
        return try Store(path: directory + "/d.db").summary(build: build).finalOutcomes
    }

    /// Runs `command` in `dir` (through sh) and returns its combined output.
    static func shell(_ command: String, in dir: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>&1"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func pytestFixtureCountsEqualPlainPytest() throws {
        let dir = Self.fixture("pytest")
        let ours = try runThroughTestfleet(adapter: "pytest", dir: dir, build: "py")
        // The oracle: pytest's own summary line, e.g. `3 failed, 8 passed, 3 skipped, 1 xfailed, 1 xpassed, 2 errors in 0.6s`.
        let output = try Self.shell("python3 -m pytest -p no:cacheprovider --continue-on-collection-errors", in: dir)
        let summary = try #require(output.split(separator: "\n").last { $0.contains(" in ") && $0.contains("passed") })
        var framework: [Outcome: Int] = [:]
        let words: [String: Outcome] = ["passed": .passed, "failed": .failed, "skipped": .skipped, "xfailed": .xfailed,
                                        "xpassed": .xpassed, "error": .error, "errors": .error]
        for part in summary.trimmingCharacters(in: CharacterSet(charactersIn: "= ")).components(separatedBy: " in ")[0]
            .components(separatedBy: ", ") {
            let pieces = part.split(separator: " ")
            if pieces.count == 2, let n = Int(pieces[0]), let outcome = words[String(pieces[1])] { framework[outcome] = n }
        }
        #expect(framework[.failed, default: 0] > 0 && framework[.error, default: 0] > 0, "pytest said: \(summary)")
        #expect(ours == framework, "pytest alone: \(summary)")

        // Our JUnit names its one <testsuite> after the suite and each classname as pytest's own
        // --junitxml does (module path with dots, then the class): the same (classname, name) pairs.
        let exported = try JUnitParser.parse(contentsOf: directory + "/py.xml")
        #expect(Set(exported.map(\.suite)) == ["pytest-fixture"])
        _ = try Self.shell("python3 -m pytest -p no:cacheprovider --continue-on-collection-errors --junitxml=\(directory)/own.xml", in: dir)
        let own = try JUnitParser.parse(contentsOf: directory + "/own.xml")
        // pytest reports a module that fails to collect as one error case named after the file;
        // testfleet has no test there to name, so compare the tests both ran.
        let pairs = { (cases: [JUnitTestCase]) in Set(cases.filter { !$0.classname.isEmpty }.map { "\($0.classname) :: \($0.testName)" }) }
        let collected = pairs(own).filter { !$0.contains("test_collection_error") }
        #expect(!collected.isEmpty && collected.isSubset(of: pairs(exported)),
                "pytest's own: \(collected.sorted()) ours: \(pairs(exported).sorted())")
    }

    @Test func goFixtureCountsEqualPlainGoTest() throws {
        let dir = Self.fixture("go")
        let ours = try runThroughTestfleet(adapter: "go", dir: dir, build: "go")
        // The oracle: `go test -json`, the final action of each top-level test.
        let output = try Self.shell("go test -json -count=1 ./...", in: dir)
        var final: [String: Outcome] = [:]
        for line in output.split(separator: "\n") {
            guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let test = event["Test"] as? String, !test.contains("/"), let package = event["Package"] as? String,
                  let action = event["Action"] as? String else { continue }
            let outcome: Outcome? = switch action {
            case "pass": .passed
            case "fail": .failed
            case "skip": .skipped
            default: nil
            }
            if let outcome { final[package + "." + test] = outcome }
        }
        var framework: [Outcome: Int] = [:]
        for outcome in final.values { framework[outcome, default: 0] += 1 }
        #expect(!final.isEmpty, "go test said: \(output.prefix(2000))")
        #expect(ours == framework)

        // classname = the package's import path, name = the top-level test (as go-junit-report).
        let exported = try JUnitParser.parse(contentsOf: directory + "/go.xml")
        #expect(Set(exported.map(\.suite)) == ["go-fixture"])
        #expect(Set(exported.map { $0.classname + "." + $0.testName }) == Set(final.keys))
        #expect(exported.allSatisfy { $0.classname.hasPrefix("example.com/") && !$0.testName.contains(".") })
    }

    /// One build only: the fixture package takes tens of seconds to compile.
    @Test func swiftFixtureCountsEqualPlainSwiftTest() throws {
        let dir = directory + "/swift-fixture"
        try FileManager.default.copyItem(atPath: Self.fixture("swift"), toPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "/.build")
        let ours = try runThroughTestfleet(adapter: "swift", dir: dir, build: "swift")
        // The oracle: `swift test` on the now-built package, counted from its console (XCTest's
        // `Test Case '…' passed|failed|skipped` and Swift Testing's ✔/✘/➜ lines).
        let output = try Self.shell("swift test", in: dir)
        var framework: [Outcome: Int] = [:]
        for line in output.split(separator: "\n") {
            if line.hasPrefix("Test Case '") {
                if line.contains("' passed (") { framework[.passed, default: 0] += 1 }
                if line.contains("' failed (") { framework[.failed, default: 0] += 1 }
                if line.contains("' skipped (") { framework[.skipped, default: 0] += 1 }
            } else if line.hasPrefix("✔ Test "), !line.hasPrefix("✔ Test run with"), line.contains(" passed after ") {
                framework[.passed, default: 0] += 1
            } else if line.hasPrefix("✘ Test "), !line.hasPrefix("✘ Test run with"), line.contains(" failed after ") {
                framework[.failed, default: 0] += 1
            } else if line.hasPrefix("➜ Test "), line.contains(" skipped") {
                framework[.skipped, default: 0] += 1
            }
        }
        #expect(framework[.failed, default: 0] > 0, "swift test said: \(output.suffix(2000))")
        #expect(ours == framework)

        // classname = the test's type (Module.Class for XCTest, Module.Suite for Swift Testing),
        // name = the method or function, as swift test's own --xunit-output writes it.
        let exported = try JUnitParser.parse(contentsOf: directory + "/swift.xml")
        #expect(Set(exported.map(\.suite)) == ["swift-fixture"])
        let listed = try Self.shell("swift test list --skip-build", in: dir).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("ArithmeticTests.") }
        #expect(!listed.isEmpty)
        for name in listed {
            // `Module.Type/method`, or `Module.function()` for a test outside any type.
            let slash = name.lastIndex(of: "/"), dot = name.firstIndex(of: ".")!
            let classname = slash.map { String(name[..<$0]).replacingOccurrences(of: "/", with: ".") } ?? String(name[..<dot])
            let method = String(name[name.index(after: slash ?? dot)...])
            #expect(exported.contains { $0.classname == classname && $0.testName == method }, "\(name) in \(exported.map { "\($0.classname) \($0.testName)" })")
        }
    }
}
