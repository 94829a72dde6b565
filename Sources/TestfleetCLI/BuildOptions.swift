import ArgumentParser
import Foundation
import Model

/// The options that describe one build, shared by `run` and `submit`.
struct BuildOptions: ParsableArguments {
    @Option(help: "A testfleet.toml path (submit plans the build in this checkout), or sim:COUNT[,seed=S][,fail=P][,ms=M][,flaky=Q] for the simulated suite.")
    var suite: String

    @Option(help: "Build id (default: a new unique id). Submitting an existing id watches that build.")
    var build: String?

    @Option(help: "The commit under test (default: --head).")
    var commit: String?

    @Option(help: "The branch under test.")
    var branch: String?

    @Option(help: "Base revision of the change: with --head, only the tests it affects run (as `testfleet select`).")
    var base: String?

    @Option(help: "Head revision of the change (for selection).")
    var head: String?

    @Option(help: "Extra attempts for a failing test (run on another worker when there is one; a known break, which never passed in a build's worth of runs, gets at most one).")
    var retries: Int = 2

    @Option(help: "Confirmation runs for a test that failed all its retries, stopping at its first pass (tells a burst of flakiness from a real break before the gate blocks on it; 0 turns them off, and --retries 0 means no reruns at all).")
    var confirmRuns: Int = 5

    @Option(help: "At most this many tests per build get confirmation runs (more failing tests point to a broad break or an outage).")
    var confirmLimit: Int = 10

    @Option(help: "Write the verdict JSON to this file.")
    var json: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard (0...9).contains(retries) else { throw ValidationError("--retries must be from 0 to 9, got \(retries)") }
        guard (0...10).contains(confirmRuns) else { throw ValidationError("--confirm-runs must be from 0 to 10, got \(confirmRuns)") }
        guard confirmLimit >= 0 else { throw ValidationError("--confirm-limit must be 0 or more, got \(confirmLimit)") }
        if let build, build.isEmpty || build.count > 200 { throw ValidationError("--build must be 1 to 200 characters") }
    }

    /// The build these options describe.
    var spec: BuildSpec {
        BuildSpec(id: build ?? Self.newBuildID(), suite: suite, commit: commit ?? head, branch: branch, base: base,
                  head: head, maxAttempts: retries + 1,
                  confirmAttempts: retries == 0 ? 0 : confirmRuns, confirmLimit: confirmLimit)
    }

    static func newBuildID() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "b-\(formatter.string(from: Date()))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
