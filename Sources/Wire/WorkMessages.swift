public import Model

/// One test in a grant.
public struct GrantedTest: Sendable, Equatable {
    public var name: String
    public var attempt: Int
    /// Tests the worker runs before this one in the same process, unreported: a pytest retry of
    /// a test that failed without its file's earlier tests having run before it gets them, so it
    /// runs as a plain pytest run would run it (`BuildState.retryContext`); the first of a
    /// grant's first attempts behind a session's place gets what a plain run ran just before it
    /// (`BuildState.freshContext`), and a warm session's first test, in the middle of its file,
    /// gets the file's nearest earlier tests (`BuildState.startContext`). Empty almost always.
    public var context: [String]
    /// A first attempt the planner sent ahead of its suite's collection order because it is
    /// long: it runs in a process of its own (one per such test), so what it leaves behind (a
    /// migrated test database, a reloaded module) never reaches the tests a warm session runs
    /// after it in their order (`BuildState.outOfOrder`).
    public var alone: Bool
    /// A first attempt behind (in its suite's collection order) tests the worker's warm session
    /// already ran, as a reclaimed tail lent to a worker that finished later files is: the
    /// grant's such tests run together, in their order, in one process in which no test ran (a
    /// fork server's child), never after later tests as no plain pytest run would
    /// (`BuildState.furthestWarm`). The previous build's failures, sent first, are granted so
    /// too: in the session they would set their module up ahead of its turn.
    public var fresh: Bool
    public init(name: String, attempt: Int, context: [String] = [], alone: Bool = false, fresh: Bool = false) {
        self.name = name
        self.attempt = attempt
        self.context = context
        self.alone = alone
        self.fresh = fresh
    }
}

/// Coordinator → worker: a lease on some tests of one build. The worker reports each test's
/// result; a lease whose worker stops heart-beating is taken back and its unreported tests
/// requeued.
public struct Assign: Sendable, Equatable {
    public var lease: UInt64
    public var build: String
    /// The suite, with `shellTests` cut down to the granted tests.
    public var suite: SuiteDefinition
    /// How long the lease lives, in milliseconds from the grant: past it the coordinator takes
    /// the lease back (and revokes it) even while the worker heartbeats.
    public var deadlineMilliseconds: Int
    public var tests: [GrantedTest]
    /// Where the worker materialises the build's code (nil: run in the suite's directory).
    public var workspace: WorkspaceSource?
    /// pytest: the files of the build's tests of this suite, in the build's order, sent with a
    /// worker's first lease of first attempts of the suite (empty otherwise). A warm session
    /// imports them before its first test, as a plain run imports every module it collects
    /// before running any (see `BuildState.testFiles`).
    public var modules: [String]

    public init(lease: UInt64, build: String, suite: SuiteDefinition, deadlineMilliseconds: Int, tests: [GrantedTest],
                workspace: WorkspaceSource? = nil, modules: [String] = []) {
        self.lease = lease
        self.build = build
        self.suite = suite
        self.deadlineMilliseconds = deadlineMilliseconds
        self.tests = tests
        self.workspace = workspace
        self.modules = modules
    }

    func write(to w: inout WireWriter) {
        w.uint(1, lease)
        w.string(2, build)
        w.message(3) { suite.write(to: &$0) }
        w.int(4, deadlineMilliseconds)
        for test in tests {
            w.message(5) {
                $0.string(1, test.name)
                $0.int(2, test.attempt)
                for name in test.context { $0.string(3, name) }  // an older worker skips it
                if test.alone { $0.bool(4, true) }  // and this
                if test.fresh { $0.bool(5, true) }
            }
        }
        if let workspace { w.message(6) { workspace.write(to: &$0) } }
        for module in modules { w.string(7, module) }
    }

    init(from r: inout WireReader) throws(WireError) {
        lease = 0
        build = ""
        suite = SuiteDefinition(name: "", adapter: .shell, directory: "/")
        deadlineMilliseconds = 0
        tests = []
        workspace = nil
        modules = []
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: lease = r.uint(f)
            case 2: build = r.string(f)
            case 3:
                var inner = r.nested(f)
                suite = try SuiteDefinition(from: &inner)
            case 4: deadlineMilliseconds = r.int(f)
            case 5:
                var inner = r.nested(f)
                var test = GrantedTest(name: "", attempt: 1)
                while let (t, g) = try inner.next() {
                    switch t {
                    case 1: test.name = inner.string(g)
                    case 2: test.attempt = max(1, inner.int(g))
                    case 3: test.context.append(inner.string(g))
                    case 4: test.alone = inner.int(g) != 0
                    case 5: test.fresh = inner.int(g) != 0
                    default: break
                    }
                }
                tests.append(test)
            case 6:
                var inner = r.nested(f)
                workspace = try WorkspaceSource(from: &inner)
            case 7: modules.append(r.string(f))
            default: break
            }
        }
        guard lease != 0, !build.isEmpty else { throw WireError("assign without a lease id or build") }
    }
}

/// Worker → coordinator: results of some tests of one lease. `sequence` numbers a worker's
/// batches; the coordinator acknowledges a batch only after it is committed to the store.
public struct ResultBatch: Sendable, Equatable {
    public var lease: UInt64
    public var build: String
    public var sequence: UInt64
    public var results: [TestResult]
    /// Set when the worker could not run the lease at all (its workspace could not be fetched,
    /// or the suite's setup failed): an infrastructure fault of this worker for this build,
    /// never a test result. The batch then carries no results; the lease's tests go elsewhere.
    public var fault: WorkspaceFault?
    /// Set when the batch answers the coordinator's `Reclaim` with this id: `handedBack` then
    /// lists the lease's tests the worker will not run (none when it could not stop early).
    public var answersReclaim: UInt64?
    /// Tests of the lease given back unrun, in answer to `answersReclaim`.
    public var handedBack: [String]
    /// Tests of the lease that have run, whose results the worker holds back until its next
    /// grant comes: a warm pytest session keeps the test's module set up for the next test if it
    /// is of the same file, and reports the test once it knows (a module teardown that fails is
    /// the test's error). The coordinator counts them as run out, grants the worker's next work
    /// at once, and then acknowledges this batch: the worker then knows nothing more is coming.
    /// An older coordinator skips the field and refuses the empty batch, which ends the wait too.
    public var holding: [String]

    public init(lease: UInt64, build: String, sequence: UInt64, results: [TestResult], fault: WorkspaceFault? = nil,
                answersReclaim: UInt64? = nil, handedBack: [String] = [], holding: [String] = []) {
        self.lease = lease
        self.build = build
        self.sequence = sequence
        self.results = results
        self.fault = fault
        self.answersReclaim = answersReclaim
        self.handedBack = handedBack
        self.holding = holding
    }

    func write(to w: inout WireWriter) {
        w.uint(1, lease)
        w.string(2, build)
        w.uint(3, sequence)
        // The worker and arch are the same for every record: sent once.
        if let first = results.first {
            w.string(5, first.worker)
            w.string(6, first.arch.rawValue)
        }
        for result in results {
            w.message(4) {
                $0.string(1, result.test)
                $0.int(2, result.attempt)
                $0.uint(3, UInt64(result.outcome.code) + 1)  // +1: passed (0) must not read as absent
                $0.uint(4, UInt64((max(result.duration, 0) * 1_000_000).rounded()))
                if !result.compressedOutput.isEmpty { $0.bytes(5, result.compressedOutput) }
                $0.int(6, result.outputSize)
                $0.int(7, result.outputDropped)
                // Optional (an older coordinator skips unknown fields): the process and the
                // position in it. A process id is never 0, so its presence marks the place's.
                if let place = result.place {
                    $0.uint(8, UInt64(place.process))
                    $0.int(9, place.position)
                }
                // Optional too: what the attempt's setup made once for its process.
                if result.sharedSetup > 0 { $0.uint(10, UInt64((result.sharedSetup * 1_000_000).rounded())) }
            }
        }
        if let fault {
            w.message(7) {
                $0.string(1, fault.worker)
                $0.string(2, fault.message)
            }
        }
        if let answersReclaim { w.uint(8, answersReclaim) }
        for name in handedBack { w.string(9, name) }
        for name in holding { w.string(10, name) }
    }

    init(from r: inout WireReader) throws(WireError) {
        lease = 0
        build = ""
        sequence = 0
        results = []
        fault = nil
        answersReclaim = nil
        handedBack = []
        holding = []
        var worker = ""
        var arch = Arch.x86_64
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: lease = r.uint(f)
            case 2: build = r.string(f)
            case 3: sequence = r.uint(f)
            case 5: worker = r.string(f)
            case 6: arch = Arch(parsing: r.string(f)) ?? arch
            case 7:
                var inner = r.nested(f)
                var fault = WorkspaceFault(worker: "", message: "")
                while let (t, g) = try inner.next() {
                    if t == 1 { fault.worker = inner.string(g) } else if t == 2 { fault.message = inner.string(g) }
                }
                self.fault = fault
            case 8: answersReclaim = r.uint(f)
            case 9: handedBack.append(r.string(f))
            case 10: holding.append(r.string(f))
            case 4:
                var inner = r.nested(f)
                var result = TestResult(test: "", attempt: 1, outcome: .error, duration: 0, worker: "", arch: .x86_64)
                var process: Int64 = 0, position = 0
                while let (t, g) = try inner.next() {
                    switch t {
                    case 1: result.test = inner.string(g)
                    case 2: result.attempt = max(1, inner.int(g))
                    case 3: result.outcome = Outcome(code: UInt8(truncatingIfNeeded: inner.uint(g) &- 1))
                    case 4: result.duration = Double(inner.uint(g)) / 1_000_000
                    case 5: result.compressedOutput = Array(inner.bytes(g))
                    case 6: result.outputSize = inner.int(g)
                    case 7: result.outputDropped = inner.int(g)
                    case 8: process = Int64(truncatingIfNeeded: inner.uint(g) & UInt64(Int64.max))
                    case 9: position = inner.int(g)
                    case 10: result.sharedSetup = Double(inner.uint(g)) / 1_000_000
                    default: break
                    }
                }
                if process != 0 { result.place = RunPlace(process: process, position: position) }
                guard !result.test.isEmpty else { throw WireError("result without a test name") }
                results.append(result)
            default: break
            }
        }
        for i in results.indices {
            results[i].worker = worker
            results[i].arch = arch
        }
        guard !build.isEmpty else { throw WireError("results without a build id") }
    }
}

/// Coordinator → worker: batch `sequence` is safely stored, or (with `refused`) was refused and
/// will never be stored (results for a lease the worker does not hold, or beyond the build's
/// attempts): either way the worker stops sending it. An older worker reads both as an ack.
public struct Ack: Sendable, Equatable {
    public var sequence: UInt64
    /// Why the batch was not stored; nil when it was.
    public var refused: String?
    public init(sequence: UInt64, refused: String? = nil) {
        self.sequence = sequence
        self.refused = refused
    }
    func write(to w: inout WireWriter) {
        w.uint(1, sequence)
        if let refused { w.string(2, refused) }
    }
    init(from r: inout WireReader) throws(WireError) {
        sequence = 0
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: sequence = r.uint(f)
            case 2: refused = r.string(f)
            default: break
            }
        }
    }
}
