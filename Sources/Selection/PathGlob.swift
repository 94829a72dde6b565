public import Model

/// A path pattern as in `.gitignore`-style rules, matched against whole repository-relative
/// paths: `*` matches within one path segment, `?` one character other than `/`, and `**` any
/// number of segments (`docs/**` is everything under docs, `**/*.md` every Markdown file,
/// `a/**/b` b at any depth under a). A pattern without wildcards matches that exact path and,
/// when it names a directory, everything under it.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let segments: [Substring]

    public init(_ pattern: String) throws(TestfleetError) {
        var trimmed = Substring(pattern)
        while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
        if trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        guard !trimmed.isEmpty else {
            throw TestfleetError.badInput("empty path pattern in [rules]; use \"**\" for every path")
        }
        self.pattern = pattern
        var parts = trimmed.split(separator: "/", omittingEmptySubsequences: true)
        // A plain directory (or file) name covers what lies below it.
        if !trimmed.contains(where: { $0 == "*" || $0 == "?" }) { parts.append("**") }
        segments = parts
    }

    public var description: String { pattern }

    public static func == (lhs: PathGlob, rhs: PathGlob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// Whether `path` (repository-relative, `/`-separated) matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return Self.match(segments[...], parts[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var tail = path
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let segment = path.first, matchSegment(Array(first.utf8)[...], Array(segment.utf8)[...]) else {
            return false
        }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// `*` and `?` within one segment.
    private static func matchSegment(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var starPattern = -1
        var starText = -1
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                starPattern = p
                starText = t
                p += 1
            } else if starPattern >= 0 {
                p = starPattern + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
