import Foundation

/// Threads of the HTTP server's own, as a task executor: the server's tasks (its listener, each
/// connection, each handler) prefer it to the Swift concurrency pool. That pool has about as
/// many threads as cores, and code that blocks one of them (a synchronous wait in a caller, a
/// busy test process) would otherwise leave `/healthz` and `/readyz` unanswered, which
/// Kubernetes reads as a dead pod. Handlers are short (store reads go to `DashboardData`'s
/// queue), so a couple of threads serve every connection.
final class ServingThreads: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    init(count: Int, name: String) {
        for index in 0..<max(1, count) {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs in arrival order for as long as the process lives (the executor is shared).
    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head > 1024, head * 2 > jobs.count {  // drop the run part now and then, not per job
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// The executor every `DashboardServer` of the process serves on.
    static let shared = ServingThreads(count: 2, name: "testfleet-http")
}
