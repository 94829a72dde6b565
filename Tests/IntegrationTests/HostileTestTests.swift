import Foundation
import Testing
import Store
import Wire

/// Tests that hang, spawn children, or flood output never take a worker down.
@Suite(.serialized) struct HostileTestTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func hangingTestsAreKilledWithTheirChildrenAndFloodsKeepTheTail() throws {
        // A unique sleep length marks this test's processes.
        let marker = "300.\(UInt32.random(in: 1000...999_999))"
        let suite = """
            [[suite]]
            name = "hostile"
            adapter = "shell"
            timeout_s = 1
            [suite.tests]
            hang = "sleep \(marker) & sleep \(marker)"
            fine = "echo fine"

            # Its own suite and timeout: 100 MB through `tr` takes well over a second on a busy
            # 2-core machine, and a flood killed at the timeout is not what this test is about.
            [[suite]]
            name = "flood"
            adapter = "shell"
            timeout_s = 60
            [suite.tests]
            flood = "head -c 100000000 /dev/zero | tr '\\\\0' x; echo; echo END-OF-FLOOD"
            """
        try suite.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db"], in: directory)
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "hostile-w"], in: directory)
        defer {
            worker.signal(SIGKILL)
            coordinator.signal(SIGKILL)
        }
        let client = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", directory + "/testfleet.toml",
                                        "--build", "h", "--retries", "0", "--quiet"], in: directory, timeout: 120)
        #expect(client.code == 1, "the hanging test fails the gate: \(client.stderr)")
        let store = try Store(path: directory + "/d.db")
        let results = Dictionary(uniqueKeysWithValues: try store.results(build: "h").map { ($0.test, $0) })
        #expect(results["hang"]?.outcome == .error)
        #expect(results["flood"]?.outcome == .passed)
        #expect(results["fine"]?.outcome == .passed)
        #expect((results["hang"]?.duration ?? 99) < 10)
        // The hanging test's background child went with it.
        #expect(Testfleet.waitUntil(timeout: 5) { processes(containing: "sleep \(marker)").isEmpty })
        // The flood's tail is stored, compressed, with what was dropped counted.
        let stored = try #require(try store.output(build: "h", test: "flood", attempt: 1))
        let text = String(decoding: try OutputCodec.decompress(stored.lz4, originalSize: stored.size), as: UTF8.self)
        #expect(text.hasSuffix("END-OF-FLOOD\n"))
        #expect(stored.dropped > 90_000_000)
        #expect(stored.size <= 1 << 20)
        // And the worker that read 100 MB stayed small and alive.
        let peak = try #require(Testfleet.peakMemory(of: worker.pid))
        #expect(peak < 150 << 20, "worker peak RSS \(peak >> 20) MiB")
        #expect(worker.process.isRunning)
    }

    func processes(containing text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { processCommandLine($0).contains(text) }
    }

    func processCommandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }
}
