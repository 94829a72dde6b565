import Dispatch
import Foundation
import Testing

/// The HTTP server serves on threads of its own: with every thread of the Swift concurrency
/// pool blocked (synchronous work a caller left there), `/healthz` still answers, so a
/// Kubernetes liveness probe does not restart a coordinator that is only busy.
@Suite struct ServingThreadsTests {
    @Test func healthzAnswersWhileTheConcurrencyPoolIsBlocked() async throws {
        let h = try await DashboardHarness()
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let blockers = ProcessInfo.processInfo.activeProcessorCount * 2
        for _ in 0..<blockers {
            // High priority: ahead of the other suites' tests queued for the pool, so a thread is
            // theirs as soon as the test it runs ends.
            Task.detached(priority: .high) {
                started.signal()
                release.wait()
            }
        }
        // This test's own thread is one of the pool's; the blockers take the others. Past this,
        // nothing runs on the pool until they are released.
        let needed = ProcessInfo.processInfo.activeProcessorCount - 1
        var running = 0
        let until = DispatchTime.now() + 60
        while running < needed, started.wait(timeout: until) == .success { running += 1 }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        let answer = Result { try LoopbackExchange(port: h.port, timeoutSeconds: 10).exchange(request) }
        for _ in 0..<blockers { release.signal() }
        #expect(running >= needed, "only \(running) of the pool's other threads were blocked")
        let parsed = try HTTPClient.Answer(parsing: try answer.get())
        #expect(parsed.status == 200 && parsed.object["status"] as? String == "ok", "\(parsed.body)")
    }
}
