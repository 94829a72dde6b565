import Foundation
import Testing
@testable import Adapters

/// `PytestForkServers`' lending, without pytest: its servers here are `sleep` processes, which
/// stand in for a process the pool keeps and lends (nothing here asks them to serve).
@Suite struct PytestForkServersLendingTests {
    let scratch: TemporaryDirectory

    init() throws { scratch = try TemporaryDirectory() }

    func sleeper() throws -> PytestWarmProcess {
        try PytestWarmProcess(commandLine: "exec sleep 60", directory: scratch.path, environment: [:], outputCap: 1024)
    }

    /// A worker's retry lane got its grant while the slot's warm session was starting with a
    /// twin (FormEncode's later builds, traced: 26 ms apart). It started a pytest of its own, and
    /// the twin, adopted a moment later, was stopped: two pytest start-ups on one worker. A key
    /// reserved for a twin now makes the borrower wait for it.
    @Test func aBorrowerWaitsForTheTwinReservedForItsKeyRatherThanStartingAServer() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        #expect(servers.reserveForTwin("k"))
        #expect(!servers.reserveForTwin("k"), "one twin per key")
        let twin = try sleeper()
        let lent = LogLines(), pid = twin.pid
        let done = DispatchSemaphore(value: 0)
        Thread {
            if case .server(let process) = servers.borrow("k") { lent.append(process.pid == pid ? "twin" : "another") }
            done.signal()
        }.start()
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut, "the borrower waits while the twin is on its way")
        servers.settleReservation("k", twin: twin)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(lent.lines == ["twin"], "the borrower got the twin, not a start of its own")
        servers.giveBack("k", twin)
    }

    /// A session that brought no twin after all (it could not start) frees the key: the waiting
    /// borrower starts a server.
    @Test func aReservationWithoutATwinLetsTheBorrowerStartOne() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        #expect(servers.reserveForTwin("k"))
        let lease = LogLines()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if case .start = servers.borrow("k") { lease.append("start") }
            done.signal()
        }.start()
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut)
        servers.settleReservation("k", twin: nil)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(lease.lines == ["start"])
    }

    /// A key that has a server, or was refused one, is not reserved: the session starts no twin.
    @Test func aKeyWithAServerOrRefusedOneGetsNoTwin() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        servers.giveBack("k", try sleeper())
        #expect(!servers.reserveForTwin("k"))
        servers.refuse("r")
        #expect(!servers.reserveForTwin("r"))
    }
}
