public import Model
public import Selection
public import SelectionSources

/// The `shell` adapter: a test is a named command line from the suite file (`suite.shellTests`),
/// run with `/bin/sh -c` in the suite's directory and environment. Exit 0 passes, any other exit
/// status fails; a timeout, a killing signal or a command that cannot start is an `.error`, with
/// the reason appended to the kept output.
public struct ShellAdapter: TestAdapter {
    public var runner: ProcessRunner
    /// Stops the running test early (a draining worker); the test then reports `.error`.
    public var cancellation: RunCancellation?

    public init(runner: ProcessRunner = ProcessRunner(), cancellation: RunCancellation? = nil) {
        self.runner = runner
        self.cancellation = cancellation
    }

    /// One shell per test: a few milliseconds.
    public var grantCost: Double { 0.005 }

    /// The names in file order. Two tests with one name are a suite-file mistake.
    public func inventory(of suite: SuiteDefinition) throws -> [String] {
        var seen = Set<String>()
        for test in suite.shellTests where !seen.insert(test.name).inserted {
            throw TestfleetError.badInput("suite '\(suite.name)': two shell tests are named '\(test.name)'; names must be unique")
        }
        return suite.shellTests.map(\.name)
    }

    public func run(_ tests: [String], of suite: SuiteDefinition, attempt: Int, report: (AdapterResult) -> Void) {
        var commands: [String: String] = [:]
        for test in suite.shellTests where commands[test.name] == nil { commands[test.name] = test.command }
        for name in tests {
            guard let line = commands[name] else {
                report(AdapterResult(
                    name: name, outcome: .error, duration: 0,
                    output: Array("[testfleet] suite '\(suite.name)' has no shell test named '\(name)'\n".utf8)))
                continue
            }
            report(runOne(name, line, suite))
        }
    }

    private func runOne(_ name: String, _ line: String, _ suite: SuiteDefinition) -> AdapterResult {
        let run: ProcessRunner.Run
        do {
            run = try runner.run(
                .shell(line), in: suite.directory, environment: suite.environment, timeout: suite.timeout,
                outputCap: suite.outputCap, cancellation: cancellation)
        } catch {
            return AdapterResult(
                name: name, outcome: .error, duration: 0, output: Array("[testfleet] \(error.message)\n".utf8))
        }
        var result = AdapterResult(
            name: name, outcome: run.exitStatus == 0 ? .passed : .failed, duration: run.duration,
            output: run.output, outputDropped: run.droppedBytes)
        if run.timedOut {
            result.outcome = .error
            result.appendNote("timed out after \(Self.seconds(suite.timeout))s; killed the test's process group", cap: suite.outputCap)
        } else if run.cancelled {
            result.outcome = .error
            result.appendNote("cancelled before it finished; killed the test's process group", cap: suite.outputCap)
        } else if let signal = run.signal {
            result.outcome = .error
            result.appendNote("killed by signal \(signal)", cap: suite.outputCap)
        }
        return result
    }

    /// `5` for whole seconds, `0.5` otherwise.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension AdapterResult {
    /// Appends a `[testfleet] …` line to the output, keeping within `cap` by dropping older
    /// bytes from the front (and counting them) so the note itself is never lost.
    mutating func appendNote(_ note: String, cap: Int) {
        var text = Array("[testfleet] \(note)\n".utf8)
        if let last = output.last, last != UInt8(ascii: "\n") { text.insert(UInt8(ascii: "\n"), at: 0) }
        output += text
        let excess = output.count - max(cap, text.count)
        if excess > 0 {
            output.removeFirst(excess)
            outputDropped += excess
        }
    }
}

extension ShellAdapter: ImpactProvider {
    /// The suite's tests are its named commands; what they read is unknown, so only the rules
    /// (`always_run`, paths) select them.
    public func impactSuite(_ suite: SuiteDefinition, directory: String, sources: inout ImpactSources)
        throws(TestfleetError) -> ImpactSuite
    {
        ImpactSuite(name: suite.name, directory: directory, graph: .none, tests: suite.shellTests.map(\.name))
    }
}
