import Foundation
import Testing
@testable import Adapters

/// The per-test timeout of the swift and go adapters, on real shell processes writing a console.
@Suite struct StallWatcherTests {
    /// Lines starting `T ` stand for a test starting or ending; `END` for a test process ending.
    func run(_ script: String, seconds: Double, beforeFirst: Double?) throws -> (ProcessRunner.Run, Bool) {
        let dir = try TemporaryDirectory()
        let watch = StallWatch(
            seconds: seconds, secondsBeforeFirstProgress: beforeFirst, isProgress: { $0.hasPrefix("T ") },
            endsAProcess: { $0 == "END" })
        return try SwiftGoConsoleCapture.run(
            ["sh", "-c", script], consoleFile: dir.path + "/console.log", runner: ProcessRunner(terminationGrace: 0.3),
            directory: dir.path, environment: [:], timeout: 30, cancellation: nil, stall: watch)
    }

    @Test func aSlowStartIsNotATestsTimeout() throws {
        let (run, stalled) = try run("sleep 1.5; echo 'T a'; sleep 0.3; echo 'T b'", seconds: 1, beforeFirst: 5)
        #expect(!stalled && run.exitStatus == 0)
    }

    @Test func aStartSlowerThanItsAllowanceIsKilled() throws {
        let (run, stalled) = try run("sleep 10; echo 'T a'", seconds: 5, beforeFirst: 0.5)
        #expect(stalled && run.timedOut && run.duration < 5)
    }

    @Test func silenceAfterAProgressLineIsKilledAtTheTestTimeout() throws {
        let (run, stalled) = try run("echo 'T a'; sleep 10", seconds: 0.5, beforeFirst: 5)
        #expect(stalled && run.timedOut && run.duration < 5)
    }

    @Test func theNextProcessOfTheRunGetsTheStartAllowanceAgain() throws {
        let (run, stalled) = try run("echo 'T a'; echo END; sleep 1.5; echo 'T b'", seconds: 1, beforeFirst: 5)
        #expect(!stalled && run.exitStatus == 0)
    }

    @Test func withoutAStartLimitOnlySilenceAfterTheFirstTestCounts() throws {
        let (quiet, quietStalled) = try run("sleep 1.5; echo 'T a'", seconds: 0.5, beforeFirst: nil)
        #expect(!quietStalled && quiet.exitStatus == 0)
        let (hung, hungStalled) = try run("echo 'T a'; sleep 10", seconds: 0.5, beforeFirst: nil)
        #expect(hungStalled && hung.duration < 5)
    }
}
