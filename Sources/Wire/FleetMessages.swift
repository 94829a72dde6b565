import Model

/// A lease and why something happens to it: one shape for both ways.
///
/// As `Message.refusal`, worker → coordinator: a grant this worker cannot take (it could not
/// decode it, or cannot run it); the coordinator takes the lease back at once and sends its
/// tests to other workers. As `Message.revoke`, coordinator → worker: this lease is no longer
/// yours (its build was cancelled or finished, or it outlived its deadline); the worker drops
/// what of it has not started and reports nothing more of it.
public struct LeaseNotice: Sendable, Equatable {
    public var lease: UInt64
    public var reason: String
    public init(lease: UInt64, reason: String) {
        self.lease = lease
        self.reason = reason
    }
    func write(to w: inout WireWriter) {
        w.uint(1, lease)
        w.string(2, reason)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(lease: 0, reason: "")
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: lease = r.uint(f)
            case 2: reason = r.string(f)
            default: break
            }
        }
        guard lease != 0 else { throw WireError("a lease notice without a lease id") }
    }
}

/// Worker → coordinator: a grant this worker cannot take (see `LeaseNotice`).
public typealias Refusal = LeaseNotice
/// Coordinator → worker: a lease taken back (see `LeaseNotice`).
public typealias Revoke = LeaseNotice

/// Coordinator → worker: a worker ran out of work while this lease still holds much, so give
/// back the lease's tests after `keepThrough` (in the grant's order) that have not started. The
/// worker answers with a `ResultBatch` whose `answersReclaim` is `id` and whose `handedBack`
/// lists the tests it will not run — none when its runner cannot stop a grant early. An older
/// worker ignores the message; the lease then simply runs to its end.
public struct Reclaim: Sendable, Equatable {
    public var lease: UInt64
    /// The lease's build (the answer names it, as every result batch does).
    public var build: String
    /// Names this request; the answer carries it back.
    public var id: UInt64
    /// The last test the worker keeps; every later one not started yet is given back.
    public var keepThrough: String
    /// Give back only every other test after `keepThrough` (the second, the fourth, …), keeping
    /// the rest: asked when the lease's tests have outrun their predictions, so where its slow
    /// ones sit is unknown (a worker that ignores it gives back the whole tail, which the
    /// coordinator takes as well).
    public var alternate: Bool
    public init(lease: UInt64, build: String, id: UInt64, keepThrough: String, alternate: Bool = false) {
        self.lease = lease
        self.build = build
        self.id = id
        self.keepThrough = keepThrough
        self.alternate = alternate
    }
    /// `HandBack.partition`: the rule every side of a reclaim shares.
    public static func partition<T>(_ tail: [T], alternate: Bool) -> (kept: [T], given: [T]) {
        HandBack.partition(tail, alternate: alternate)
    }

    func write(to w: inout WireWriter) {
        w.uint(1, lease)
        w.uint(2, id)
        w.string(3, keepThrough)
        w.string(4, build)
        if alternate { w.uint(5, 1) }
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(lease: 0, build: "", id: 0, keepThrough: "")
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: lease = r.uint(f)
            case 2: id = r.uint(f)
            case 3: keepThrough = r.string(f)
            case 4: build = r.string(f)
            case 5: alternate = r.uint(f) != 0
            default: break
            }
        }
        guard lease != 0, id != 0, !build.isEmpty, !keepThrough.isEmpty else {
            throw WireError("a reclaim without a lease, build, id or test")
        }
    }
}

/// Client → coordinator: stop this build (`testfleet cancel`, or a `submit` interrupted by
/// SIGINT/SIGTERM). Its leases are taken back at once; the client gets its (cancelled) verdict.
public struct CancelBuild: Sendable, Equatable {
    public var build: String
    public var reason: String
    public init(build: String, reason: String) {
        self.build = build
        self.reason = reason
    }
    func write(to w: inout WireWriter) {
        w.string(1, build)
        w.string(2, reason)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(build: "", reason: "")
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: build = r.string(f)
            case 2: reason = r.string(f)
            default: break
            }
        }
        guard !build.isEmpty else { throw WireError("cancel without a build id") }
    }
}

extension Assign {
    /// The lease id of an assign that does not decode as a whole (so the worker can refuse it by
    /// id); nil when even that cannot be read.
    public static func leaseID(inUndecodable payload: [UInt8]) -> UInt64? {
        guard payload.count >= 3, payload[0] == Message.magic, payload[2] == Message.assignKind else {
            return nil
        }
        var r = WireReader(payload, range: 3..<payload.count)
        while let (tag, f) = try? r.next() {
            if tag == 1 {
                let lease = r.uint(f)
                return lease == 0 ? nil : lease
            }
        }
        return nil
    }
}
