// The grant-latency probe: a worker speaking the wire protocol from a thread of the bench. It
// says hello with one slot (so the coordinator lets it hold two grants), "runs" each grant by
// waiting `workMilliseconds` and reporting every test passed (SIMULATED tests: nothing runs),
// then sends `ready`, and times how long until the grant replacing it arrives: the results
// stored, the lease ended, the next grant made and sent. That is the wait a worker's slot sees
// between grants when it has nothing prefetched.
import Foundation
import Model
import Transport
import Wire

final class ProbeWorker: @unchecked Sendable {
    /// One measurement: when the `ready` went out (bench clock), how long until the next grant
    /// arrived, and that grant's build.
    struct Sample {
        var sentAt: Double
        var seconds: Double
        var build: String
    }

    let endpoint: String
    let arch: Arch
    let workMilliseconds: Double
    /// More "work" per test of a grant, so a running build lasts (and the probe always has some).
    let perTestMilliseconds: Double
    /// Builds whose grants it runs (by id prefix); others it refuses, so the coordinator gives
    /// them to the real workers.
    let acceptsPrefix: String
    private let state = Locked<(samples: [Sample], stop: Bool, refused: Int, grants: Int)>(([], false, 0, 0))
    private var thread: Thread?

    init(endpoint: String, arch: Arch, workMilliseconds: Double, perTestMilliseconds: Double, acceptsPrefix: String) {
        self.endpoint = endpoint
        self.arch = arch
        self.workMilliseconds = workMilliseconds
        self.perTestMilliseconds = perTestMilliseconds
        self.acceptsPrefix = acceptsPrefix
    }

    var samples: [Sample] { state.withLock { $0.samples } }
    var grants: Int { state.withLock { $0.grants } }
    var refused: Int { state.withLock { $0.refused } }

    func start() {
        let thread = Thread { [self] in
            do { try loop() } catch { FileHandle.standardError.write(Data("probe: \(error)\n".utf8)) }
        }
        thread.name = "bench-probe"
        self.thread = thread
        thread.start()
    }

    func stop() { state.withLock { $0.stop = true } }

    private func loop() throws {
        let socket = try ZMQSocket(ZMQContext(), kind: .dealer)
        try socket.setIdentity("bench-probe-\(UInt32.random(in: 0...UInt32.max))")
        try socket.connect(endpoint)
        var poller = ZMQPoller()
        let item = poller.add(socket)
        func send(_ message: Message) { try? socket.send([message.encode()]) }
        send(.hello(Hello(worker: "bench-probe", arch: arch, slots: 1, pid: Int(getpid()), instance: .random(in: 1...UInt64.max))))
        var held: [Assign] = []
        // Leases reported and not yet replaced, oldest first: each grant that arrives replaces
        // the oldest (of any build it runs: the coordinator shares the probe among them).
        var waiting: [(since: Double, build: String)] = []
        var sequence: UInt64 = 1
        var lastHeartbeat = monotonicSeconds()
        while !state.withLock({ $0.stop }) {
            _ = try? poller.poll(milliseconds: held.isEmpty ? 20 : 0)
            while poller.isReadable(item), let frames = try? socket.receive(), let payload = frames.last {
                guard case .assign(let assign)? = try? Message.decode(payload) else { continue }
                let now = monotonicSeconds()
                guard assign.build.hasPrefix(acceptsPrefix) else {
                    send(.refusal(Refusal(lease: assign.lease, reason: "the bench probe runs only \(acceptsPrefix)* builds")))
                    state.withLock { $0.refused += 1 }
                    continue
                }
                if let wait = waiting.first {
                    waiting.removeFirst()
                    state.withLock { $0.samples.append(Sample(sentAt: wait.since, seconds: now - wait.since, build: assign.build)) }
                }
                state.withLock { $0.grants += 1 }
                held.append(assign)
            }
            let now = monotonicSeconds()
            if now - lastHeartbeat > 0.3 {
                lastHeartbeat = now
                send(.heartbeat(Heartbeat(leases: held.map(\.lease))))
            }
            guard !held.isEmpty else { continue }
            let assign = held.removeFirst()
            let work = workMilliseconds + perTestMilliseconds * Double(assign.tests.count)
            if work > 0 { usleep(UInt32(work * 1000)) }
            var start = 0
            while start < assign.tests.count {
                let chunk = assign.tests[start..<min(start + 4096, assign.tests.count)]
                let results = chunk.map {
                    TestResult(test: $0.name, attempt: $0.attempt, outcome: .passed, duration: 0.001, worker: "bench-probe", arch: arch)
                }
                send(.results(ResultBatch(lease: assign.lease, build: assign.build, sequence: sequence, results: results)))
                sequence += 1
                start += 4096
            }
            send(.ready(Ready(freeSlots: 2)))
            waiting.append((monotonicSeconds(), assign.build))
        }
        send(.goodbye(Goodbye(reason: "bench done")))
    }
}
