import Foundation
import Transport
import Wire

extension CoordinatorConnection {
    /// One request and its answer: sends `request` every `resendSeconds` (the coordinator may be
    /// restarting, and asking again is safe) until `answer` makes something of a message it
    /// received, or `deadline` passes (nil then). A refused handshake, or what `answer` throws,
    /// ends it at once.
    func ask<Answer>(_ request: Message, until deadline: Date, resendSeconds: Double, pollMilliseconds: Int,
                     _ answer: (Message) throws -> Answer?) throws -> Answer? {
        let bytes = request.encode()
        var poller = ZMQPoller()
        let item = poller.add(socket)
        var lastSent = Date.distantPast
        while Date() < deadline {
            if Date().timeIntervalSince(lastSent) >= resendSeconds {
                try? socket.send([bytes])
                lastSent = Date()
            }
            _ = try? poller.poll(milliseconds: pollMilliseconds)
            try checkHandshake()
            guard poller.isReadable(item) else { continue }
            while let frames = try? socket.receive(), let payload = frames.last {
                if let message = try? Message.decode(payload), let result = try answer(message) { return result }
            }
        }
        return nil
    }
}
