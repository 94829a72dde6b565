import Testing
import Model
@testable import Wire

@Suite struct MessageCodingTests {
    @Test func resultBatchRoundTripsWithOutput() throws {
        let output = Array("line\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 5000)
        let compressed = OutputCodec.compress(output)
        #expect(compressed.count < output.count / 10)
        let batch = ResultBatch(lease: 7, build: "b1", sequence: 3, results: [
            TestResult(test: "t::a[ä b]", attempt: 1, outcome: .passed, duration: 0.25, worker: "w1", arch: .aarch64),
            TestResult(test: "t::b", attempt: 2, outcome: .failed, duration: 1.5, worker: "w1", arch: .aarch64,
                       compressedOutput: compressed, outputSize: output.count, outputDropped: 99),
        ])
        let decoded = try #require(try Message.decode(Message.results(batch).encode()))
        #expect(decoded == .results(batch))
        guard case .results(let back) = decoded else { return }
        #expect(try OutputCodec.decompress(back.results[1].compressedOutput, originalSize: output.count) == output)
    }

    @Test func resultPlacesRoundTripAndAreOptional() throws {
        let batch = ResultBatch(lease: 7, build: "b1", sequence: 4, results: [
            TestResult(test: "t::first", attempt: 1, outcome: .passed, duration: 0.1, worker: "w1", arch: .x86_64,
                       place: RunPlace(process: Int64.max, position: 0)),
            TestResult(test: "t::second", attempt: 1, outcome: .failed, duration: 0.1, worker: "w1", arch: .x86_64,
                       place: RunPlace(process: 12345, position: 7), sharedSetup: 1.25),
            TestResult(test: "t::unplaced", attempt: 2, outcome: .passed, duration: 0.1, worker: "w1", arch: .x86_64),
        ])
        let decoded = try #require(try Message.decode(Message.results(batch).encode()))
        #expect(decoded == .results(batch))
        // What an older worker sends (no fields 8 and 9) reads as results without a place.
        var w = WireWriter()
        w.uint(1, 7)
        w.string(2, "b1")
        w.uint(3, 5)
        w.message(4) {
            $0.string(1, "t::old")
            $0.int(2, 1)
            $0.uint(3, 1)
        }
        var r = WireReader(w.bytes)
        let old = try ResultBatch(from: &r)
        #expect(old.results.map(\.test) == ["t::old"])
        #expect(old.results[0].place == nil)
        #expect(old.results[0].sharedSetup == 0)
    }

    @Test func assignCarriesTheSuite() throws {
        var suite = SuiteDefinition(name: "unit", adapter: .shell, directory: "/tmp", command: nil, timeout: 2.5,
                                    arch: .only(.aarch64), environment: ["A": "1", "B": "two"],
                                    shellTests: [ShellTest(name: "ok", command: "true")])
        suite.outputCap = 4096
        let assign = Assign(lease: 9, build: "b", suite: suite, deadlineMilliseconds: 5000,
                            tests: [GrantedTest(name: "ok", attempt: 1)], modules: ["tests/test_a.py", "tests/test_b.py"])
        #expect(try Message.decode(Message.assign(assign).encode()) == .assign(assign))
        let sim = Assign(lease: 1, build: "b", suite: .simulated(SimulatedSuite(count: 10, seed: 3, failFraction: 0.5)),
                         deadlineMilliseconds: 1, tests: [GrantedTest(name: "sim::t000001", attempt: 3)])
        #expect(try Message.decode(Message.assign(sim).encode()) == .assign(sim))
        let retry = Assign(lease: 2, build: "b", suite: suite, deadlineMilliseconds: 1, tests: [
            GrantedTest(name: "f.py::c", attempt: 2, context: ["f.py::a", "f.py::b"]), GrantedTest(name: "g.py::x", attempt: 2),
            GrantedTest(name: "h.py::long", attempt: 1, alone: true), GrantedTest(name: "a.py::behind", attempt: 1, fresh: true),
        ])
        #expect(try Message.decode(Message.assign(retry).encode()) == .assign(retry))
    }

    @Test func everyKindRoundTrips() throws {
        let messages: [Message] = [
            .hello(Hello(worker: "w-1", arch: .x86_64, slots: 4, labels: ["gpu"], pid: 42, instance: 0xDEAD_BEEF_0000_0001)),
            .welcome(Welcome(session: "s", heartbeatMilliseconds: 250)),
            .ready(Ready(freeSlots: 0)), .ready(Ready(freeSlots: 3)),
            .ack(Ack(sequence: 12)),
            .heartbeat(Heartbeat(leases: [1, 2, 3])),
            .goodbye(Goodbye(reason: "bye")),
            .submit(Submit(spec: BuildSpec(id: "b", suite: "sim:5", commit: "abc", branch: "main", maxAttempts: 3,
                                           confirmAttempts: 5, confirmLimit: 7))),
            .reportRequest(ReportRequest(build: "b", format: "junit")),
            .previousBuildRequest(PreviousBuildRequest(suite: "testfleet.toml")),
            .previousBuild(PreviousBuild(suite: "testfleet.toml", build: "b7", commit: "abc", failures: ["t::a", "t::b"])),
            .previousBuild(PreviousBuild(suite: "testfleet.toml", build: nil, commit: nil, failures: [])),
            .report(Report(build: "b", format: "junit", document: Array(String(repeating: "<testcase/>", count: 500).utf8))),
            .progress(BuildProgress(build: "b", done: 1, total: 2, failed: 0, workers: 4)),
            .verdict(VerdictMessage(build: "b", json: "{}", exitCode: 1)),
            .error(ErrorMessage(code: "bad-message", message: "why")),
            .reclaim(Reclaim(lease: 9, build: "b", id: 3, keepThrough: "tests/test_a.py::test_x[1]")),
            .reclaim(Reclaim(lease: 9, build: "b", id: 4, keepThrough: "tests/test_a.py::test_x[1]", alternate: true)),
            .results(ResultBatch(lease: 9, build: "b", sequence: 4, results: [], answersReclaim: 3,
                                 handedBack: ["tests/test_a.py::test_y", "tests/test_a.py::test_z"])),
            .results(ResultBatch(lease: 9, build: "b", sequence: 5, results: [], answersReclaim: 3)),
        ]
        for message in messages {
            #expect(try Message.decode(message.encode()) == message)
        }
    }

    @Test func aReportCarriesItsDocumentCompressed() throws {
        let document = Array(String(repeating: "<testcase name=\"t\"/>\n", count: 10_000).utf8)
        let report = Report(build: "b", format: "junit", document: document)
        #expect(report.lz4.count < document.count / 10)
        guard case .report(let decoded)? = try Message.decode(Message.report(report).encode()) else {
            Issue.record("not a report")
            return
        }
        #expect(try decoded.document() == document)
    }

    /// An older reader ignores fields and kinds added by a newer writer.
    @Test func unknownFieldsAndKindsAreIgnored() throws {
        var bytes = Message.ack(Ack(sequence: 5)).encode()
        var extra = WireWriter()
        extra.string(99, "a field from the future")
        extra.uint(100, 123_456)
        bytes += extra.bytes
        #expect(try Message.decode(bytes) == .ack(Ack(sequence: 5)))
        #expect(try Message.decode([0x54, 9, 200, 8, 1]) == nil)
    }

    @Test(arguments: [[UInt8](), [0x00, 1, 1], [0x54, 1, 5, 0x0A, 0xFF], [0x54, 1, 6, 0x08, 0x80]])
    func malformedBytesThrow(_ bytes: [UInt8]) {
        #expect(throws: WireError.self) { try Message.decode(bytes) }
    }

    @Test func corruptOutputIsAnErrorNotACrash() {
        #expect(throws: WireError.self) { try OutputCodec.decompress([1, 2, 3, 4], originalSize: 100) }
    }
}
