import Foundation
import Transport
import Wire

/// A peer of the coordinator driven by hand from a test over a real socket: it says and sends
/// exactly what the test wants (a hostile or broken worker, a forger). Nothing here runs tests.
final class RawPeer {
    let socket: ZMQSocket
    var poller = ZMQPoller()
    let item: Int
    /// Every message received so far, in order.
    private(set) var received: [Message] = []

    init(endpoint: String, identity: String? = nil) throws {
        socket = try ZMQSocket(ZMQContext(), kind: .dealer)
        if let identity { try socket.setIdentity(identity) }
        try socket.connect(endpoint)
        item = poller.add(socket)
    }

    func send(_ message: Message) { try? socket.send([message.encode()]) }

    /// Receives for `seconds`, calling `each` on every message as it comes (it may answer).
    func pump(seconds: Double, _ each: (Message) -> Void = { _ in }) {
        let until = Date(timeIntervalSinceNow: seconds)
        while Date() < until {
            _ = try? poller.poll(milliseconds: 50)
            while poller.isReadable(item), let frames = try? socket.receive(), let payload = frames.last {
                guard let message = try? Message.decode(payload) else { continue }
                received.append(message)
                each(message)
            }
        }
    }

    /// Receives until `condition` holds for a message (or `timeout` passes); returns it.
    func await(timeout: Double, _ condition: (Message) -> Bool) -> Message? {
        let until = Date(timeIntervalSinceNow: timeout)
        while Date() < until {
            var found: Message?
            pump(seconds: 0.1) { if found == nil && condition($0) { found = $0 } }
            if let found { return found }
        }
        return nil
    }

    var assigns: [Assign] { received.compactMap { if case .assign(let a) = $0 { a } else { nil } } }
}
