/// A user's input (a suite spec, a suite file, a flag value) that cannot be used. The message
/// names the problem and what to do about it; the CLI turns it into exit code 2.
public struct SpecError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
