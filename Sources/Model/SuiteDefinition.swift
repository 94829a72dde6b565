/// Which framework runs a suite's tests.
public enum AdapterKind: String, Sendable, Codable, CaseIterable, Hashable {
    case pytest
    case swift
    case go
    case shell
    case simulated
}

/// One suite: how its tests are found and run. Comes from a `testfleet.toml` `[[suite]]` table or
/// from a `sim:` spec.
public struct SuiteDefinition: Sendable, Hashable {
    /// Unique within its file.
    public var name: String
    public var adapter: AdapterKind
    /// Absolute working directory.
    public var directory: String
    /// How to invoke the framework; nil means the adapter's default.
    public var command: String?
    /// Per-test timeout in seconds.
    public var timeout: Double
    public var arch: ArchRequirement
    public var environment: [String: String]
    /// For the shell adapter: test name → command line, in file order.
    public var shellTests: [ShellTest]
    /// For the simulated adapter: the parsed spec.
    public var simulated: SimulatedSuite?
    /// How many bytes of a test's output are kept (the tail).
    public var outputCap: Int
    /// A command run once per worker, commit and suite before the suite's first test there
    /// (`pip install -e .`, `swift build --build-tests`), in the suite's directory.
    public var setup: String?
    /// Seconds `setup` may take.
    public var setupTimeout: Double = 900
    /// The suite's directory relative to the repository root (`""` for the root itself): where a
    /// worker runs it inside its own checkout of the build's commit. Nil: run in `directory`.
    public var repositoryPath: String?

    public init(
        name: String, adapter: AdapterKind, directory: String, command: String? = nil, timeout: Double = 300,
        arch: ArchRequirement = .any, environment: [String: String] = [:], shellTests: [ShellTest] = [],
        simulated: SimulatedSuite? = nil, outputCap: Int = 1 << 20
    ) {
        self.name = name
        self.adapter = adapter
        self.directory = directory
        self.command = command
        self.timeout = timeout
        self.arch = arch
        self.environment = environment
        self.shellTests = shellTests
        self.simulated = simulated
        self.outputCap = outputCap
    }

    /// The suite for a `sim:` spec.
    public static func simulated(_ suite: SimulatedSuite) -> SuiteDefinition {
        SuiteDefinition(name: "simulated", adapter: .simulated, directory: "/", timeout: 3600, simulated: suite)
    }
}

/// A shell test: a command line whose exit status 0 means pass.
public struct ShellTest: Sendable, Hashable, Codable {
    public var name: String
    public var command: String
    public init(name: String, command: String) {
        self.name = name
        self.command = command
    }
}
