import Transport

/// A worker session's link to the coordinator: frames out, frames in. The DEALER socket in
/// production; tests use an in-memory one.
protocol WorkerTransport {
    /// Sends one frame without blocking. A link that cannot take it now drops it: what matters
    /// (results) stays unacknowledged and is sent again.
    func send(_ bytes: [UInt8])
    /// The next frame waiting, or nil when none is.
    func receive() -> [UInt8]?
}

/// The DEALER socket, connected with the worker's id as its routing identity (so a restarted
/// coordinator knows the worker by it).
struct DealerTransport: WorkerTransport {
    let socket: ZMQSocket

    init(context: ZMQContext, config: WorkerConfig) throws {
        socket = try ZMQSocket(context, kind: .dealer)
        try socket.setIdentity(config.id)
        if let curve = config.curve { try socket.makeCurveClient(curve) }
        try socket.connect(config.endpoint)
    }

    func send(_ bytes: [UInt8]) {
        // Never blocks: while the coordinator is away a full queue drops the message, and the
        // unacknowledged-batch resend covers what mattered.
        try? socket.send([bytes])
    }

    func receive() -> [UInt8]? {
        guard let frames = try? socket.receive() else { return nil }
        return frames.last
    }
}
