import Foundation
import Model
import SelectionSources

/// Runs git (or tar) to completion for the cache, with no terminal prompt: a repository that
/// wants a password fails at once instead of hanging a worker's slot.
enum GitCommand {
    struct Output {
        var status: Int32
        var output: Data
        var errorText: String
    }

    static func run(_ arguments: [String], in directory: String = "/", program: String = "git", input: Data? = nil) -> Output {
        do {
            let run = try CommandRunner.run(["GIT_TERMINAL_PROMPT=0", program] + arguments, in: directory, input: input)
            let text = run.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            return Output(status: run.status, output: run.standardOutput, errorText: String(text.suffix(2000)))
        } catch {
            return Output(status: -1, output: Data(), errorText: error.message)
        }
    }
}

/// A value shared between threads (the slots of one worker).
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
