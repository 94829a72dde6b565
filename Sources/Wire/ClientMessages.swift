public import Model

/// CI client → coordinator: start (or watch, if it exists) a build. Sending it again is safe: the
/// coordinator attaches the client to the build of that id.
public struct Submit: Sendable, Equatable {
    public var spec: BuildSpec
    /// The build as `submit` planned it in its checkout (nil from an older client, or for a
    /// `sim:` suite, which the coordinator plans itself: it runs no project command for that).
    public var plan: PlannedBuild?
    /// The source bundle of `spec.commit` (LZ4-compressed tar) whose address is `spec.bundle`;
    /// empty when the submitter has sent it before or workers fetch from git.
    public var bundleData: [UInt8]

    public init(spec: BuildSpec, plan: PlannedBuild? = nil, bundleData: [UInt8] = []) {
        self.spec = spec
        self.plan = plan
        self.bundleData = bundleData
    }

    func write(to w: inout WireWriter) {
        w.string(1, spec.id)
        w.string(2, spec.suite)
        if let commit = spec.commit { w.string(3, commit) }
        if let branch = spec.branch { w.string(4, branch) }
        if let base = spec.base { w.string(5, base) }
        if let head = spec.head { w.string(6, head) }
        w.int(7, spec.maxAttempts)
        w.int(8, spec.confirmAttempts)
        w.int(9, spec.confirmLimit)
        if let repository = spec.repository { w.string(10, repository) }
        if let bundle = spec.bundle { w.string(11, bundle) }
        if !bundleData.isEmpty { w.bytes(12, bundleData) }
        if let plan { w.message(13) { plan.writePlan(to: &$0) } }
        // Tag 20 onwards: the fleet's fields (tags below are left for the build's payload).
        if let priority = spec.priority { w.int(20, priority + Self.priorityOffset) }
        if let position = spec.commitPosition { w.int(21, position) }
    }

    /// Priorities go on the wire shifted, so a negative one survives the unsigned varint.
    static let priorityOffset = 1 << 20

    init(from r: inout WireReader) throws(WireError) {
        spec = BuildSpec(id: "", suite: "")
        bundleData = []
        plan = nil
        var planReader: WireReader?
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: spec.id = r.string(f)
            case 2: spec.suite = r.string(f)
            case 3: spec.commit = r.string(f)
            case 4: spec.branch = r.string(f)
            case 5: spec.base = r.string(f)
            case 6: spec.head = r.string(f)
            case 7: spec.maxAttempts = max(1, r.int(f))
            case 8: spec.confirmAttempts = max(0, r.int(f))
            case 9: spec.confirmLimit = max(0, r.int(f))
            case 10: spec.repository = r.string(f)
            case 11: spec.bundle = r.string(f)
            case 12: bundleData = Array(r.bytes(f))
            case 13: planReader = r.nested(f)
            case 20: spec.priority = r.int(f) - Self.priorityOffset
            case 21: spec.commitPosition = max(0, r.int(f))
            default: break
            }
        }
        guard !spec.id.isEmpty, !spec.suite.isEmpty else { throw WireError("submit without a build id or suite") }
        // Read last: the plan carries the spec, whose fields may come in any order.
        if var inner = planReader { plan = try PlannedBuild.readPlan(spec: spec, from: &inner) }
    }
}

/// Coordinator → client: how far a build is.
public struct BuildProgress: Sendable, Equatable {
    public var build: String
    public var done: Int
    public var total: Int
    public var failed: Int
    public var workers: Int
    /// Tests running now (granted, not yet reported): 0 with nothing done means queued.
    public var running: Int
    /// Builds that get workers before this one (higher priority, or older at equal priority
    /// while it waits): how long a queued build may wait.
    public var ahead: Int
    public init(build: String, done: Int, total: Int, failed: Int, workers: Int, running: Int = 0, ahead: Int = 0) {
        self.build = build
        self.done = done
        self.total = total
        self.failed = failed
        self.workers = workers
        self.running = running
        self.ahead = ahead
    }
    /// Nothing of it runs or has run yet.
    public var isQueued: Bool { running == 0 && done == 0 }
    func write(to w: inout WireWriter) {
        w.string(1, build)
        w.int(2, done)
        w.int(3, total)
        w.int(4, failed)
        w.int(5, workers)
        w.int(6, running)
        w.int(7, ahead)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(build: "", done: 0, total: 0, failed: 0, workers: 0)
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: build = r.string(f)
            case 2: done = r.int(f)
            case 3: total = r.int(f)
            case 4: failed = r.int(f)
            case 5: workers = r.int(f)
            case 6: running = r.int(f)
            case 7: ahead = r.int(f)
            default: break
            }
        }
    }
}

/// Coordinator → client: the build is finished; `json` is the verdict document (`Verdict` as JSON).
public struct VerdictMessage: Sendable, Equatable {
    public var build: String
    public var json: String
    public var exitCode: Int
    public init(build: String, json: String, exitCode: Int) {
        self.build = build
        self.json = json
        self.exitCode = exitCode
    }
    func write(to w: inout WireWriter) {
        w.string(1, build)
        w.string(2, json)
        w.int(3, exitCode)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(build: "", json: "", exitCode: 0)
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: build = r.string(f)
            case 2: json = r.string(f)
            case 3: exitCode = r.int(f)
            default: break
            }
        }
    }
}

/// Either way: something the receiver sent could not be used. `code` is machine-readable
/// (`unknown-worker` asks a worker to say hello again; `bad-message`; `bad-submit`).
public struct ErrorMessage: Sendable, Equatable {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    func write(to w: inout WireWriter) {
        w.string(1, code)
        w.string(2, message)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(code: "", message: "")
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: code = r.string(f)
            case 2: message = r.string(f)
            default: break
            }
        }
    }
}
