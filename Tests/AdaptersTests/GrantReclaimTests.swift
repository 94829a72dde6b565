#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Adapters

/// A reclaim that reaches a grant while one of its tests runs is answered at once: the
/// tests past the running one and the one set up after it, told to the process over its pipe;
/// the serving loop then never reports those here.
struct GrantReclaimTests {
    /// A pipe whose write end the reclaim owns, and the lines written to it.
    final class Pipe {
        let read: Int32, write: Int32
        init() {
            var ends: [Int32] = [0, 0]
            _ = Glibc.pipe(&ends)
            read = ends[0]
            write = ends[1]
        }
        func lines() -> [[String: Any]] {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            let count = Glibc.read(read, &buffer, buffer.count)
            return String(decoding: buffer[0..<max(0, count)], as: UTF8.self).split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        deinit { Glibc.close(read) }
    }

    let order = ["t0", "t1", "t2", "t3", "t4", "t5"]

    /// A reclaim serving `order` in a process whose request pipe is `pipe`, and its answers.
    func attached() -> (GrantReclaim, Pipe, Answers) {
        let answers = Answers()
        let reclaim = GrantReclaim { answers.append($0, $1) }
        let pipe = Pipe()
        reclaim.track(order)
        reclaim.attach(pipe.write)
        return (reclaim, pipe, answers)
    }

    @Test func whileATestRunsTheTailPastTheOneSetUpNextIsGivenBackAtOnce() throws {
        let (reclaim, pipe, answers) = attached()
        reclaim.running("t1")
        // Keep through t0 (already run): the cut is past the running test.
        #expect(reclaim.request(id: 7, keepThrough: "t0"))
        #expect(answers.all.count == 1 && answers.all.first?.0 == 7)
        #expect(answers.all.first?.1 == ["t2", "t3", "t4", "t5"], "\(answers.all)")
        let told = pipe.lines()
        #expect(told.count == 1 && (told.first?["drop"] as? [String]) == ["t2", "t3", "t4", "t5"], "\(told)")
        // A result for a test given back (the process had started it) is not this grant's.
        #expect(reclaim.keep(["t1", "t2"]) == ["t1"])
        #expect(reclaim.givenBack == ["t2", "t3", "t4", "t5"])
        reclaim.close()
    }

    @Test func anAlternateRequestKeepsTheFirstOfTheTailAndWhatTheGrantKept() throws {
        let (reclaim, pipe, answers) = attached()
        reclaim.running("t0")
        _ = reclaim.keep(["t4"])  // e.g. not collected there: it runs cold here
        #expect(reclaim.request(id: 3, keepThrough: "t0", alternate: true))
        // Tail t1…t5 without t4: t1 stays (set up next), t2 goes, t3 stays, t5 goes.
        #expect(answers.all.first?.1 == ["t2", "t5"], "\(answers.all)")
        #expect((pipe.lines().first?["drop"] as? [String]) == ["t2", "t5"])
        reclaim.close()
    }

    @Test func withNoTestRunningTheProcessAnswersAsBefore() throws {
        let (reclaim, pipe, answers) = attached()
        #expect(reclaim.request(id: 5, keepThrough: "t2"))
        #expect(answers.all.isEmpty, "the process answers, between tests")
        let told = pipe.lines()
        #expect((told.first?["drop_after"] as? String) == "t2", "\(told)")
        reclaim.answered(id: 5, handedBack: ["t3"])
        #expect(answers.all.first?.1 == ["t3"])
        // After the last test ended (none runs), a new request goes to the process too.
        reclaim.running(nil)
        #expect(reclaim.request(id: 6, keepThrough: "t4"))
        #expect(answers.all.count == 1)
        reclaim.close()
        #expect(answers.all.count == 2 && answers.all.last?.1 == [], "closing answers the outstanding one with nothing")
    }

    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [(UInt64, [String])] = []
        func append(_ id: UInt64, _ tests: [String]) { lock.withLock { list.append((id, tests)) } }
        var all: [(UInt64, [String])] { lock.withLock { list } }
    }
}
