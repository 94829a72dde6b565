import Foundation
import Model
import Testing
@testable import Adapters

@Suite struct ShellAdapterTests {
    func suite(_ tests: [(String, String)], timeout: Double = 10, directory: String = "/tmp",
               cap: Int = 1 << 20) -> SuiteDefinition {
        SuiteDefinition(
            name: "shell-fixture", adapter: .shell, directory: directory, timeout: timeout,
            environment: ["TF_GREETING": "hello"], shellTests: tests.map { ShellTest(name: $0.0, command: $0.1) },
            outputCap: cap)
    }

    func results(_ suite: SuiteDefinition, _ names: [String]) -> [String: AdapterResult] {
        var byName: [String: AdapterResult] = [:]
        var order: [String] = []
        ShellAdapter(runner: ProcessRunner(terminationGrace: 0.2)).run(names, of: suite, attempt: 1) {
            byName[$0.name] = $0
            order.append($0.name)
        }
        #expect(order == names, "every requested test is reported once, in order")
        return byName
    }

    @Test func inventoryIsTheNamesInFileOrder() throws {
        let definition = suite([("zeta", "true"), ("alpha", "true"), ("mid dle", "true")])
        #expect(try ShellAdapter().inventory(of: definition) == ["zeta", "alpha", "mid dle"])
        #expect(throws: TestfleetError.self) { try ShellAdapter().inventory(of: suite([("a", "true"), ("a", "false")])) }
    }

    @Test func mapsExitStatusTimeoutSignalAndUnknownNames() throws {
        let dir = try TemporaryDirectory()
        let definition = suite([
            ("passes", "echo \"$TF_GREETING from $(pwd)\""),
            ("fails", "echo broken >&2; exit 4"),
            ("hangs", "sleep 60"),
            ("crashes", "kill -SEGV $$"),
        ], timeout: 0.5, directory: dir.path)
        let byName = results(definition, ["passes", "fails", "hangs", "crashes", "missing"])
        let passes = try #require(byName["passes"])
        #expect(passes.outcome == .passed)
        #expect(String(decoding: passes.output, as: UTF8.self).hasPrefix("hello from /"))
        let fails = try #require(byName["fails"])
        #expect(fails.outcome == .failed)
        #expect(String(decoding: fails.output, as: UTF8.self) == "broken\n")
        let hangs = try #require(byName["hangs"])
        #expect(hangs.outcome == .error)
        #expect(hangs.duration >= 0.5 && hangs.duration < 3)
        #expect(String(decoding: hangs.output, as: UTF8.self).contains("timed out after 0.5s"))
        let crashes = try #require(byName["crashes"])
        #expect(crashes.outcome == .error)
        #expect(String(decoding: crashes.output, as: UTF8.self).contains("killed by signal 11"))
        let missing = try #require(byName["missing"])
        #expect(missing.outcome == .error)
        #expect(String(decoding: missing.output, as: UTF8.self).contains("no shell test named 'missing'"))
    }

    @Test func aMissingDirectoryIsAnErrorNotAPass() throws {
        let byName = results(suite([("t", "true")], directory: "/nonexistent/testfleet"), ["t"])
        #expect(byName["t"]?.outcome == .error)
    }

    @Test func floodKeepsTheTailAndTheTimeoutNoteFitsTheCap() throws {
        let cap = 4096
        let definition = suite([
            ("flood", "head -c 5000000 /dev/zero | tr '\\0' y; echo; echo last-line"),
            ("flood-hang", "head -c 100000 /dev/zero | tr '\\0' z; sleep 60"),
        ], timeout: 1, cap: cap)
        let byName = results(definition, ["flood", "flood-hang"])
        let flood = try #require(byName["flood"])
        #expect(flood.outcome == .passed)
        #expect(flood.output.count == cap)
        #expect(flood.outputDropped == 5_000_000 + 1 + 10 - cap)
        #expect(String(decoding: flood.output.suffix(10), as: UTF8.self) == "last-line\n")
        let hang = try #require(byName["flood-hang"])
        #expect(hang.outcome == .error)
        #expect(hang.output.count == cap)
        #expect(hang.output.count + hang.outputDropped > 100_000)
        #expect(String(decoding: hang.output, as: UTF8.self).hasSuffix("timed out after 1s; killed the test's process group\n"))
    }
}
