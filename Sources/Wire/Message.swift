import Model

/// Every message of the protocol. An envelope is three bytes — `T`, the sender's protocol
/// version, the kind — followed by the kind's fields (see `WireWriter`). A reader ignores unknown
/// fields and returns nil for unknown kinds, so peers of different versions keep working.
public enum Message: Sendable, Equatable {
    case hello(Hello)
    case welcome(Welcome)
    case ready(Ready)
    case assign(Assign)
    case results(ResultBatch)
    case ack(Ack)
    case heartbeat(Heartbeat)
    case goodbye(Goodbye)
    case submit(Submit)
    case progress(BuildProgress)
    case verdict(VerdictMessage)
    case error(ErrorMessage)
    case reportRequest(ReportRequest)
    case report(Report)
    case refusal(Refusal)
    case revoke(Revoke)
    case cancel(CancelBuild)
    case reclaim(Reclaim)
    case previousBuildRequest(PreviousBuildRequest)
    case previousBuild(PreviousBuild)

    /// The version this build of testfleet speaks. Bump it when meaning changes, not for added
    /// fields (those are ignored by older peers anyway).
    /// Version 2: results are checked against the sender's leases, leases have deadlines and
    /// can be revoked, grants can be refused, builds cancelled.
    public static let protocolVersion: UInt8 = 2
    /// The hello versions a coordinator of this build works with; any other peer is refused
    /// with an `incompatible-version` error that both sides log.
    public static let compatibleVersions: ClosedRange<Int> = 2...2
    static let assignKind: UInt8 = 4
    static let magic: UInt8 = 0x54  // "T"

    var kind: UInt8 {
        switch self {
        case .hello: 1
        case .welcome: 2
        case .ready: 3
        case .assign: 4
        case .results: 5
        case .ack: 6
        case .heartbeat: 7
        case .goodbye: 8
        case .submit: 9
        case .progress: 10
        case .verdict: 11
        case .error: 12
        case .reportRequest: 13
        case .report: 14
        case .refusal: 15
        case .revoke: 16
        case .cancel: 17
        case .reclaim: 18
        case .previousBuildRequest: 19
        case .previousBuild: 20
        }
    }

    /// The message as bytes for one ZeroMQ frame.
    public func encode() -> [UInt8] {
        var w = WireWriter(capacity: 64)
        w.appendHeader(kind: kind)
        switch self {
        case .hello(let m): m.write(to: &w)
        case .welcome(let m): m.write(to: &w)
        case .ready(let m): m.write(to: &w)
        case .assign(let m): m.write(to: &w)
        case .results(let m): m.write(to: &w)
        case .ack(let m): m.write(to: &w)
        case .heartbeat(let m): m.write(to: &w)
        case .goodbye(let m): m.write(to: &w)
        case .submit(let m): m.write(to: &w)
        case .progress(let m): m.write(to: &w)
        case .verdict(let m): m.write(to: &w)
        case .error(let m): m.write(to: &w)
        case .reportRequest(let m): m.write(to: &w)
        case .report(let m): m.write(to: &w)
        case .refusal(let m): m.write(to: &w)
        case .revoke(let m): m.write(to: &w)
        case .cancel(let m): m.write(to: &w)
        case .reclaim(let m): m.write(to: &w)
        case .previousBuildRequest(let m): m.write(to: &w)
        case .previousBuild(let m): m.write(to: &w)
        }
        return w.bytes
    }

    /// Whether a frame holds a `submit` (a build's whole plan: megabytes for 100,000 tests), so a
    /// receiver can decode it on another thread; says nothing about whether it decodes.
    public static func isSubmit(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == magic && bytes[2] == 9
    }

    /// Reads one frame. Returns nil for a kind this version does not know (ignore it); throws for
    /// bytes that are not a testfleet message at all.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Message? {
        guard bytes.count >= 3, bytes[0] == magic else {
            throw WireError("not a testfleet message (\(bytes.count) bytes, bad magic)")
        }
        guard bytes[1] >= 1 else { throw WireError("protocol version 0 is not valid") }
        var r = WireReader(bytes, range: 3..<bytes.count)
        switch bytes[2] {
        case 1: return .hello(try Hello(from: &r))
        case 2: return .welcome(try Welcome(from: &r))
        case 3: return .ready(try Ready(from: &r))
        case 4: return .assign(try Assign(from: &r))
        case 5: return .results(try ResultBatch(from: &r))
        case 6: return .ack(try Ack(from: &r))
        case 7: return .heartbeat(try Heartbeat(from: &r))
        case 8: return .goodbye(try Goodbye(from: &r))
        case 9: return .submit(try Submit(from: &r))
        case 10: return .progress(try BuildProgress(from: &r))
        case 11: return .verdict(try VerdictMessage(from: &r))
        case 12: return .error(try ErrorMessage(from: &r))
        case 13: return .reportRequest(try ReportRequest(from: &r))
        case 14: return .report(try Report(from: &r))
        case 15: return .refusal(try Refusal(from: &r))
        case 16: return .revoke(try Revoke(from: &r))
        case 17: return .cancel(try CancelBuild(from: &r))
        case 18: return .reclaim(try Reclaim(from: &r))
        case 19: return .previousBuildRequest(try PreviousBuildRequest(from: &r))
        case 20: return .previousBuild(try PreviousBuild(from: &r))
        default: return nil
        }
    }
}

extension WireWriter {
    mutating func appendHeader(kind: UInt8) {
        rawByte(Message.magic)
        rawByte(Message.protocolVersion)
        rawByte(kind)
    }
}
