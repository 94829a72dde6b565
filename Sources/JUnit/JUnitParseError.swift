/// A JUnit XML file that is not well-formed (or not JUnit): where, and what is wrong. Nothing
/// from such a file should be recorded.
public struct JUnitParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, when the parse was of a file.
    public var file: String?
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column (in bytes) of the problem.
    public var column: Int
    public var message: String

    public init(file: String? = nil, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message` (without the file when there is none).
    public var description: String {
        (file.map { "\($0):" } ?? "") + "\(line):\(column): \(message)"
    }
}
