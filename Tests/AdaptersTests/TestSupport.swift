import Foundation
@testable import Adapters

/// A fresh directory under the system temp dir, removed when the value is dropped.
final class TemporaryDirectory: Sendable {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("testfleet-adapters-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// One result handed from a thread to the test.
final class ResultBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Result<ProcessRunner.Run, any Error>?
    func set(_ value: Result<ProcessRunner.Run, any Error>) {
        condition.lock()
        self.value = value
        condition.broadcast()
        condition.unlock()
    }
    func wait(seconds: Double) -> Result<ProcessRunner.Run, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: seconds)
        while value == nil && condition.wait(until: deadline) {}
        return value
    }
}

/// Results written by concurrent iterations.
final class ResultsArray: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [ProcessRunner.Run?]
    init(count: Int) { runs = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ run: ProcessRunner.Run?) { lock.lock(); runs[index] = run; lock.unlock() }
    func get(_ index: Int) -> ProcessRunner.Run? { lock.lock(); defer { lock.unlock() }; return runs[index] }
}
