import Foundation

/// One HTTP request over a blocking loopback TCP connection: write it, read until the server
/// closes (`Connection: close`). Blocks its thread, never the concurrency pool's.
struct LoopbackExchange {
    var port: Int
    /// Seconds a connect, a write or a read may wait.
    var timeoutSeconds = 30

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func exchange(_ request: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return answer }
            guard n > 0 else { throw Failure(description: "no answer from 127.0.0.1:\(port) within \(timeoutSeconds) s (errno \(errno))") }
            answer += buffer[..<n]
        }
    }
}

extension HTTPClient.Answer {
    /// The status, `Content-Type` and body of a raw HTTP/1.1 response (a `Content-Length` or a
    /// chunked body).
    init(parsing raw: [UInt8]) throws {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw LoopbackExchange.Failure(description: "a response without a complete head: \(String(decoding: raw, as: UTF8.self))")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw LoopbackExchange.Failure(description: "a response with status line '\(lines[0])'")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + separator.count)...])
        if fields["transfer-encoding"]?.lowercased() == "chunked" { body = try Self.dechunk(body) }
        self.init(status: status, body: String(decoding: body, as: UTF8.self), contentType: fields["content-type"] ?? "")
    }

    static func dechunk(_ chunked: [UInt8]) throws -> [UInt8] {
        var body: [UInt8] = []
        var position = chunked.startIndex
        while true {
            guard let lineEnd = chunked[position...].indices.first(where: { chunked[$0...].starts(with: [13, 10]) }),
                  let size = Int(String(decoding: chunked[position..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { throw LoopbackExchange.Failure(description: "a chunked body with a bad chunk size") }
            if size == 0 { return body }
            let start = lineEnd + 2
            guard start + size <= chunked.endIndex else { throw LoopbackExchange.Failure(description: "a chunked body cut short") }
            body += chunked[start..<(start + size)]
            position = start + size + 2
        }
    }
}
