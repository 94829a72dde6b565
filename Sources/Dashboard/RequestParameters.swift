import Foundation
import Hummingbird

/// Query and path parameters, checked: a malformed one is a 400 naming the parameter.
struct RequestParameters {
    let request: Request

    /// A query parameter's value (nil when absent); an empty value counts as absent.
    func string(_ name: String) -> String? {
        guard let value = request.uri.queryParameters[name[...]], !value.isEmpty else { return nil }
        return String(value)
    }

    /// An integer query parameter within `range` (default when absent).
    func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw DashboardError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// The rest of the path after `prefix`, percent-decoded (build ids and test names may hold
    /// `/` and `::`; clients send them percent-encoded).
    func pathRest(after prefix: String) throws -> String {
        let path = request.uri.path
        guard path.hasPrefix(prefix) else { throw DashboardError.notFound("no such endpoint: \(path)") }
        let raw = String(path.dropFirst(prefix.count))
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw DashboardError.badRequest("malformed or empty name in the path: '\(raw)'")
        }
        return decoded
    }
}
