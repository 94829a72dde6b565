public import Model

/// Worker → coordinator, first thing after connecting (and again after the coordinator restarts).
public struct Hello: Sendable, Equatable {
    public var worker: String
    public var arch: Arch
    public var slots: Int
    public var version: Int
    public var labels: [String]
    /// The worker's process id, so a local parent that saw it die can say which worker is gone.
    public var pid: Int
    /// Random per worker process: a hello with the same id and instance is the same process
    /// saying hello again (it lost sight of the coordinator), not a restarted worker. A pid
    /// cannot tell these apart in containers, where every worker may be pid 1.
    public var instance: UInt64

    public init(worker: String, arch: Arch, slots: Int, version: Int = Int(Message.protocolVersion),
                labels: [String] = [], pid: Int = 0, instance: UInt64 = 0) {
        self.worker = worker
        self.arch = arch
        self.slots = slots
        self.version = version
        self.labels = labels
        self.pid = pid
        self.instance = instance
    }

    func write(to w: inout WireWriter) {
        w.string(1, worker)
        w.string(2, arch.rawValue)
        w.int(3, slots)
        w.int(4, version)
        for label in labels { w.string(5, label) }
        w.int(6, pid)
        w.uint(7, instance)
    }

    init(from r: inout WireReader) throws(WireError) {
        self.init(worker: "", arch: .x86_64, slots: 1, version: 1)
        var archText = ""
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: worker = r.string(f)
            case 2: archText = r.string(f)
            case 3: slots = r.int(f)
            case 4: version = r.int(f)
            case 5: labels.append(r.string(f))
            case 6: pid = r.int(f)
            case 7: instance = r.uint(f)
            default: break
            }
        }
        guard !worker.isEmpty else { throw WireError("hello without a worker id") }
        guard let parsed = Arch(parsing: archText) else { throw WireError("hello with unknown arch '\(archText)'") }
        arch = parsed
        slots = max(1, min(slots, 1024))
    }
}

/// Coordinator → worker, answering hello.
public struct Welcome: Sendable, Equatable {
    /// Changes every time a coordinator process starts; a worker that sees a new session knows
    /// its unacknowledged results must be sent again.
    public var session: String
    public var heartbeatMilliseconds: Int
    public var version: Int

    public init(session: String, heartbeatMilliseconds: Int, version: Int = Int(Message.protocolVersion)) {
        self.session = session
        self.heartbeatMilliseconds = heartbeatMilliseconds
        self.version = version
    }

    func write(to w: inout WireWriter) {
        w.string(1, session)
        w.int(2, heartbeatMilliseconds)
        w.int(3, version)
    }

    init(from r: inout WireReader) throws(WireError) {
        self.init(session: "", heartbeatMilliseconds: 1000)
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: session = r.string(f)
            case 2: heartbeatMilliseconds = max(10, r.int(f))
            case 3: version = r.int(f)
            default: break
            }
        }
    }
}

/// Worker → coordinator: "I can take this many more grants."
public struct Ready: Sendable, Equatable {
    public var freeSlots: Int
    public init(freeSlots: Int) { self.freeSlots = freeSlots }
    func write(to w: inout WireWriter) { w.int(1, freeSlots) }
    init(from r: inout WireReader) throws(WireError) {
        freeSlots = 0
        while let (tag, f) = try r.next() { if tag == 1 { freeSlots = r.int(f) } }
    }
}

/// Both ways. From a worker it lists the leases still running so the coordinator extends them.
public struct Heartbeat: Sendable, Equatable {
    public var leases: [UInt64]
    public init(leases: [UInt64] = []) { self.leases = leases }
    func write(to w: inout WireWriter) { for lease in leases { w.uint(1, lease) } }
    init(from r: inout WireReader) throws(WireError) {
        leases = []
        while let (tag, f) = try r.next() { if tag == 1 { leases.append(r.uint(f)) } }
    }
}

/// Either way: the sender is leaving (a worker draining on SIGTERM, a coordinator shutting down).
public struct Goodbye: Sendable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    func write(to w: inout WireWriter) { w.string(1, reason) }
    init(from r: inout WireReader) throws(WireError) {
        reason = ""
        while let (tag, f) = try r.next() { if tag == 1 { reason = r.string(f) } }
    }
}
