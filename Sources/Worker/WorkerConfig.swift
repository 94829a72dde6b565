import Foundation
public import Adapters
public import Model
public import Transport

/// How a worker connects and what it offers.
public struct WorkerConfig: Sendable {
    /// The coordinator's ROUTER endpoint.
    public var endpoint: String
    /// Unique per worker; used as the ZeroMQ routing id so a restarted coordinator knows it.
    public var id: String
    public var arch: Arch
    /// Grants run at once.
    public var slots: Int
    /// Until the coordinator's welcome says otherwise.
    public var heartbeatMilliseconds: Int
    /// Leave when the coordinator says goodbye (local runs); otherwise wait for it to come back.
    /// A local worker also leaves when the process that started it is gone.
    public var exitOnGoodbye: Bool
    /// Where build code is cached (checkouts per commit, git mirrors, source bundles).
    public var cacheDirectory: String
    /// The cache is kept under this many bytes, least recently used first out (0: no limit).
    public var cacheLimitBytes: Int64
    /// CURVE keys for the coordinator connection (nil: plaintext).
    public var curve: CurveClientKeys?
    /// A file touched about every second while the coordinator is heard from (a liveness
    /// probe checks its age: `testfleet worker-probe`); nil: none.
    public var healthFile: String?
    /// Keep one pytest process per slot, suite and commit and feed it grants (first attempts
    /// only). On unless `TESTFLEET_WARM=0` is in the environment (benchmarks measure both).
    public var warmSessions: Bool = WarmSetting.enabled
    /// Suite directory → this worker's own mirror of it (`DirectoryMirror`), where the pytest
    /// processes it starts in that directory for suites that come without a workspace (a local
    /// run's) work once started, as a fleet worker works in its own checkout: `run --local N`
    /// makes one for every worker after the first before any test runs, so two workers'
    /// processes never make their files under one working directory.
    public var ownCopies: [String: String] = [:]
    /// Warm sessions to start before any grant arrives (`run --local` names its build's pytest
    /// suites, so the sessions import and configure while the coordinator collects the tests).
    public var prewarm: [PrewarmSession] = []

    public init(endpoint: String, id: String, arch: Arch = .current, slots: Int = 1, heartbeatMilliseconds: Int = 1000,
                exitOnGoodbye: Bool = false, cacheDirectory: String = CacheRoot.defaultPath, cacheLimitBytes: Int64 = 0,
                curve: CurveClientKeys? = nil, healthFile: String? = nil) {
        self.endpoint = endpoint
        self.id = id
        self.arch = arch
        self.slots = max(1, slots)
        self.heartbeatMilliseconds = heartbeatMilliseconds
        self.exitOnGoodbye = exitOnGoodbye
        self.cacheDirectory = cacheDirectory
        self.cacheLimitBytes = cacheLimitBytes
        self.curve = curve
        self.healthFile = healthFile
    }
}

/// A warm session a worker starts before its first grant: the suite as the build's grants will
/// carry it, and the build (the code a local run's grants name).
public struct PrewarmSession: Sendable {
    public var suite: SuiteDefinition
    public var build: String
    /// Where the session writes the suite's node ids once it has collected all of them (the
    /// plan's inventory), or nil to collect only what grants name.
    public var listing: String?
    /// The share of the suite's files the listing collects (nil: all of them).
    public var share: PytestListingShare?

    public init(suite: SuiteDefinition, build: String, listing: String? = nil, share: PytestListingShare? = nil) {
        self.suite = suite
        self.build = build
        self.listing = listing
        self.share = share
    }

    /// The listing file for the suite named `suite` in `directory`: the same path for the
    /// `run` that reads it and the workers that write it (the name, hex-encoded, is any text).
    /// A `share`'s listing has a path of its own beside it.
    public static func listingPath(in directory: String, suite: String, share: PytestListingShare? = nil) -> String {
        let path = (directory as NSString).appendingPathComponent(suite.utf8.map { String(format: "%02x", $0) }.joined() + ".json")
        return share?.path(beside: path) ?? path
    }

    /// Written beside a listing when it will not come (the session could not start or collect):
    /// the reader then lists the suite itself.
    public static func failureMarker(of listing: String) -> String { listing + ".failed" }
}
