/// testfleet's one error type: what went wrong, in words that name the problem and what to do
/// about it, and whose fault it is. Every module throws it for input it cannot use, the
/// coordinator answers clients with it, and the CLI turns it into a message and an exit code in
/// one place.
public struct TestfleetError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Whose problem it is. The raw value is the exit code testfleet's commands end with.
    public enum Code: Int32, Sendable, CaseIterable {
        /// The build ran and the gate blocks it (a test failed every attempt, …).
        case gateFailed = 1
        /// The user's input cannot be used (a suite spec, a suite file, a flag value, a build id).
        case badInput = 2
        /// Something testfleet depends on failed (the store, a socket, a process, the network).
        case infrastructure = 3
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Input that cannot be used; `message` says what is wrong with it and what to do.
    public static func badInput(_ message: String) -> TestfleetError { TestfleetError(.badInput, message) }
    /// A part testfleet depends on failed.
    public static func infrastructure(_ message: String) -> TestfleetError { TestfleetError(.infrastructure, message) }
    /// The gate blocks; `message` may be empty when the verdict already said why.
    public static func gateFailed(_ message: String = "") -> TestfleetError { TestfleetError(.gateFailed, message) }

    /// Any error as testfleet's: itself, a module's own error type that knows whose fault it is
    /// (`TestfleetErrorConvertible`), or else an infrastructure failure described by `error`.
    public init(_ error: any Error) {
        if let error = error as? TestfleetError {
            self = error
        } else if let error = error as? any TestfleetErrorConvertible {
            self = error.testfleetError
        } else {
            self = .infrastructure("\(error)")
        }
    }
}

/// A module's own error type (kept for its typed throws) that says which `TestfleetError` it is.
public protocol TestfleetErrorConvertible: Error {
    var testfleetError: TestfleetError { get }
}
