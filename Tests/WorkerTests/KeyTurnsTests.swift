import Foundation
import Testing
import Transport
@testable import Worker

/// Cold retries of one key share a mirror of the suite's directory, so they take turns; other
/// keys do not wait for them.
struct KeyTurnsTests {
    @Test func aSecondHolderOfAKeyWaitsAndAnotherKeyDoesNot() throws {
        let turns = KeyTurns()
        let inside = Locked<[String]>([])
        let firstIn = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            turns.take("suite") {
                inside.withLock { $0.append("first") }
                firstIn.signal()
                release.wait()
                inside.withLock { $0.append("first out") }
            }
        }
        firstIn.wait()
        DispatchQueue.global().async(group: done) {
            turns.take("suite") { inside.withLock { $0.append("second") } }
        }
        // Another key goes straight in while "suite" is held.
        turns.take("other") { inside.withLock { $0.append("other") } }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(inside.withLock { $0 } == ["first", "other"], "the second holder of the key waited")
        release.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(inside.withLock { $0 } == ["first", "other", "first out", "second"])
    }
}
