import Foundation
import Testing
@testable import Adapters

/// Holders of one key (cold retries sharing a mirror, compiles of one go test binary) take turns;
/// other keys do not wait for them.
struct KeyTurnsTests {
    @Test func aSecondHolderOfAKeyWaitsAndAnotherKeyDoesNot() throws {
        let turns = KeyTurns()
        let inside = Entries()
        let firstIn = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            turns.take("suite") {
                inside.append("first")
                firstIn.signal()
                release.wait()
                inside.append("first out")
            }
        }
        firstIn.wait()
        DispatchQueue.global().async(group: done) {
            turns.take("suite") { inside.append("second") }
        }
        // Another key goes straight in while "suite" is held.
        turns.take("other") { inside.append("other") }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(inside.all == ["first", "other"], "the second holder of the key waited")
        release.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(inside.all == ["first", "other", "first out", "second"])
    }
}

/// What the holders did, in order, from any thread.
private final class Entries: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func append(_ entry: String) { lock.withLock { entries.append(entry) } }
    var all: [String] { lock.withLock { entries } }
}
