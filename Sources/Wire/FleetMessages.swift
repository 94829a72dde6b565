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
