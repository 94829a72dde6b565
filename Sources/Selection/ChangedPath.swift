public import Model

/// One path that differs between two revisions, as `git diff --name-status` reports it.
public struct ChangedPath: Sendable, Hashable, CustomStringConvertible {
    public enum Status: String, Sendable, Hashable {
        case added, modified, deleted, renamed, copied, typeChanged = "type-changed", unknown
    }

    public var status: Status
    /// The path at head (for a deletion: the path that was deleted).
    public var path: String
    /// For a rename or copy: the path at base.
    public var oldPath: String?

    public init(status: Status, path: String, oldPath: String? = nil) {
        self.status = status
        self.path = path
        self.oldPath = oldPath
    }

    /// The paths selection must consider, with the revision side each is read from: a rename
    /// counts both its old path (at base: who imported it there) and its new path (at head).
    public var sides: [(path: String, atBase: Bool)] {
        switch status {
        case .deleted: [(path, true)]
        case .renamed: [(oldPath ?? path, true), (path, false)]
        default: [(path, false)]
        }
    }

    public var description: String {
        if let oldPath { return "\(status.rawValue): \(oldPath) -> \(path)" }
        return "\(status.rawValue): \(path)"
    }

    /// Parses `git diff --name-status -z` output: NUL-separated fields, a status letter (with a
    /// similarity score for R and C) followed by one path, or two for renames and copies.
    public static func parseNameStatus(_ output: String) throws(TestfleetError) -> [ChangedPath] {
        var fields = output.split(separator: "\0", omittingEmptySubsequences: false)[...]
        if fields.last == "" { fields = fields.dropLast() }
        var result: [ChangedPath] = []
        while let code = fields.popFirst() {
            guard let letter = code.first else { continue }
            let status: Status =
                switch letter {
                case "A": .added
                case "M": .modified
                case "D": .deleted
                case "R": .renamed
                case "C": .copied
                case "T": .typeChanged
                default: .unknown
                }
            if status == .renamed || status == .copied {
                guard let old = fields.popFirst(), let new = fields.popFirst() else {
                    throw TestfleetError.badInput("git diff output ended inside a \(status.rawValue) entry; is git working?")
                }
                result.append(ChangedPath(status: status, path: String(new), oldPath: String(old)))
            } else {
                guard let path = fields.popFirst() else {
                    throw TestfleetError.badInput("git diff output ended after status '\(code)'; is git working?")
                }
                result.append(ChangedPath(status: status, path: String(path)))
            }
        }
        return result
    }
}
