import ArgumentParser
import Config
import Foundation
import Model
import Adapters
import Worker

/// `testfleet worker`: one worker (a pod in production). SIGTERM finishes the work in flight.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker that connects to a coordinator and runs the tests it is granted.")

    @Option(help: "The coordinator's endpoint, e.g. tcp://coordinator:5555.")
    var connect: String

    @Option(help: "The architecture this worker reports (x86_64 or aarch64; default: this machine's `uname -m`). An override is logged.")
    var arch: String?

    @Option(help: "Grants this worker runs at once.")
    var slots: Int = 1

    @Option(help: "A unique worker id (default: hostname-pid).")
    var id: String?

    @Option(name: .customLong("heartbeat-ms"), help: "Heartbeat interval until the coordinator sets one, in milliseconds.")
    var heartbeatMilliseconds: Int = 1000

    @Flag(name: .customLong("exit-on-goodbye"), help: "Exit when the coordinator says goodbye instead of waiting for it to return.")
    var exitOnGoodbye = false

    @Option(help: "Where this worker caches build code: git mirrors, a checkout per commit, source bundles (default: $TESTFLEET_CACHE, else ~/.cache/testfleet).")
    var cache: String?

    @Option(name: .customLong("cache-gb"), help: "Keep the cache under this many GB, evicting the least recently used checkouts and bundles (0: no limit).")
    var cacheGB: Double = 20

    @OptionGroup var curve: ClientCurveOptions

    @Option(name: .customLong("health-file"), help: "Touch this file about every second while the coordinator is heard from; `testfleet worker-probe --health-file` checks its age (a Kubernetes probe).")
    var healthFile: String?

    @Option(name: .customLong("prewarm-suite"),
            help: ArgumentHelp("A suite file whose pytest suites get a warm session before the first grant (`run --local` passes its own).",
                               visibility: .hidden))
    var prewarmSuite: String?

    @Option(name: .customLong("prewarm-build"), help: ArgumentHelp("The build those sessions are for.", visibility: .hidden))
    var prewarmBuild: String?

    @Option(name: .customLong("prewarm-listing"),
            help: ArgumentHelp("A directory where those sessions write each suite's node ids after collecting all of them.",
                               visibility: .hidden))
    var prewarmListing: String?

    @Option(name: .customLong("prewarm-share"),
            help: ArgumentHelp("I/N: those sessions collect share I (from 0) of the suite's files, another worker each other share.",
                               visibility: .hidden))
    var prewarmShare: String?

    @Option(name: .customLong("own-copy"),
            help: ArgumentHelp("DIR=COPY: pytest processes this worker starts in DIR (suites that come without a workspace) work in COPY, its own mirror of DIR (`run --local` gives each worker after the first one per suite directory).",
                               visibility: .hidden))
    var ownCopies: [String] = []

    func validate() throws {
        guard (prewarmSuite == nil) == (prewarmBuild == nil), prewarmListing == nil || prewarmSuite != nil else {
            throw ValidationError("--prewarm-suite and --prewarm-build go together (and --prewarm-listing needs them)")
        }
        if let prewarmShare {
            guard prewarmListing != nil else { throw ValidationError("--prewarm-share needs --prewarm-listing") }
            guard PytestListingShare(parsing: prewarmShare) != nil else {
                throw ValidationError("--prewarm-share must be I/N with 0 <= I < N <= 256, got '\(prewarmShare)'")
            }
        }
        for pair in ownCopies where !pair.contains("=") {
            throw ValidationError("--own-copy must be DIR=COPY, got '\(pair)'")
        }
        guard cacheGB >= 0, cacheGB.isFinite else { throw ValidationError("--cache-gb must be 0 or more") }
        guard connect.hasPrefix("tcp://") || connect.hasPrefix("ipc://") else {
            throw ValidationError("--connect must be a tcp:// or ipc:// endpoint, got '\(connect)'")
        }
        if let arch, Arch(parsing: arch) == nil { throw ValidationError("--arch must be x86_64 or aarch64, got '\(arch)'") }
        guard (1...256).contains(slots) else { throw ValidationError("--slots must be from 1 to 256") }
    }

    func run() throws {
        let workerID = id ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let (reported, note) = MachineArch.reported(override: arch.flatMap(Arch.init(parsing:)))
        if let note { FileHandle.standardError.write(Data("testfleet worker: \(note)\n".utf8)) }
        var config = WorkerConfig(
            endpoint: connect, id: workerID, arch: reported, slots: slots,
            heartbeatMilliseconds: heartbeatMilliseconds, exitOnGoodbye: exitOnGoodbye,
            cacheDirectory: cache.map(CacheRoot.absolute) ?? CacheRoot.defaultPath, cacheLimitBytes: Int64(cacheGB * 1e9),
            curve: try curve.keys(), healthFile: healthFile)
        for pair in ownCopies {  // each holds "=" (validate)
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            config.ownCopies[(parts[0] as NSString).standardizingPath] = parts[1]
        }
        if let prewarmSuite, let prewarmBuild {
            // Only a head start: a suite file that cannot be read now fails the build's planning anyway.
            let suites = ((try? SuiteFile.load(path: prewarmSuite).suites) ?? []).filter { $0.adapter == .pytest }
            let share = prewarmShare.flatMap(PytestListingShare.init(parsing:))
            let listing = { (suite: SuiteDefinition) in
                prewarmListing.map { PrewarmSession.listingPath(in: $0, suite: suite.name, share: share) }
            }
            if config.warmSessions {
                config.prewarm = suites.map { PrewarmSession(suite: $0, build: prewarmBuild, listing: listing($0), share: share) }
            } else {
                for case let path? in suites.map(listing) {  // no session will list them: the run lists them itself
                    try? Data("warm sessions are off".utf8).write(to: URL(fileURLWithPath: PrewarmSession.failureMarker(of: path)))
                }
            }
        }
        let service = WorkerService(config: config)
        Signals.onTerminate { service.requestStop() }
        let code = service.run()
        if code != 0 { throw TestfleetError(exitCode: code) }
    }
}
