/// Where a ZeroMQ endpoint can be reached from: used to warn when a coordinator without keys
/// listens beyond this machine.
public enum EndpointScope: Equatable, Sendable {
    /// ipc://, inproc:// or a loopback tcp:// address: only this machine.
    case local
    /// Any other tcp:// address (0.0.0.0, *, a host name, a LAN address).
    case network

    public init(endpoint: String) {
        guard endpoint.hasPrefix("tcp://") else {
            self = .local
            return
        }
        var host = String(endpoint.dropFirst(6))
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.") || host == "lo"
        self = loopback ? .local : .network
    }
}
