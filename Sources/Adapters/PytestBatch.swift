import JUnit
import Model

/// What one pytest process left behind: its run, its JUnit test cases, and what its terminal
/// output said (refused node ids, unexpected passes). Turns that into one result per node id.
struct PytestBatch {
    var timeout: Double
    var run: ProcessRunner.Run?
    /// pytest writes them in run order: a case's index is its position in the process.
    var cases: [JUnitTestCase] = [] {
        didSet { byKey = Dictionary(grouping: cases.indices) { PytestNodeIDs.JUnitKey(classname: cases[$0].classname, name: cases[$0].testName) } }
    }
    /// The pytest process's identity (`RunPlace.process`).
    var process = RunPlace.newProcess()
    var refused: [String: String] = [:]
    var unexpectedPasses: Set<String> = []
    /// Tests whose JUnit `<skipped>` children are all their subtests' (`PytestOnlyPlugin.subtestSkipsOnly`):
    /// passed, as pytest counts them.
    var subtestSkipsOnly: Set<String> = []
    /// pytest refused some argument: `refused` names those it could tell apart, and pytest 9.2
    /// can misname them (see `PytestAdapter.run`).
    var refusedSome = false
    /// The ids' files were the arguments (`PytestOnlyPlugin.withinFilesVariable`).
    var withinFiles = false
    /// pytest could not import the narrowing plugin (`PytestOnlyPlugin.wasRefused`).
    var narrowingRefused = false
    /// Why there are no results at all (pytest did not start, its XML was unreadable).
    var problem: String?
    /// Each key's cases, in run order: items that share a node id share it (see
    /// `PytestNodeIDs.duplicate`).
    private var byKey: [PytestNodeIDs.JUnitKey: [Int]] = [:]

    init(timeout: Double) { self.timeout = timeout }

    /// The module-level collection error (`classname=""`, `name="tests.test_x"`) covering `id`.
    func collectionError(for id: String) -> JUnitTestCase? {
        let module = PytestNodeIDs.junitKey(of: PytestNodeIDs.module(of: id))
        guard let found = byKey[module]?.first.map({ cases[$0] }), found.outcome == .error else { return nil }
        return found
    }

    func result(for id: String, suite: SuiteDefinition) -> AdapterResult {
        // A duplicate (`PytestNodeIDs.duplicate`) is the n-th case of its node id's key.
        let duplicate = PytestNodeIDs.duplicateBase(of: id)
        let key = PytestNodeIDs.junitKey(of: duplicate?.nodeID ?? id)
        let ordinal = duplicate?.ordinal ?? 1
        // An ini `junit_prefix` puts a prefix before the classname; accept that as a fallback.
        let matching: [Int] = byKey[key]
            ?? cases.indices.filter { cases[$0].testName == key.name && cases[$0].classname.hasSuffix("." + key.classname) }
        let index: Int? = matching.count >= ordinal ? matching[ordinal - 1] : nil
        if let index {
            let found = cases[index]
            var outcome = found.outcome
            if outcome == .passed && unexpectedPasses.contains(id) { outcome = .xpassed }
            // The skip file lists a subtest's xfail as a skip too (its report is skipped).
            if outcome == .skipped || outcome == .xfailed, subtestSkipsOnly.contains(id) { outcome = .passed }
            var text = found.output
            if let message = found.message, !message.isEmpty, outcome != .passed, !text.contains(message) {
                text = message + "\n" + text
            }
            let bytes = Array(text.utf8)
            let kept = bytes.count > suite.outputCap ? Array(bytes.suffix(suite.outputCap)) : bytes
            return AdapterResult(name: id, outcome: outcome, duration: found.duration, output: kept,
                                 outputDropped: found.outputDropped + bytes.count - kept.count,
                                 place: RunPlace(process: process, position: index))
        }
        if let collection = collectionError(for: id) {
            return AdapterResult(
                name: id, outcome: .error, duration: 0,
                output: PytestAdapter.bytes("[testfleet] the module of this test could not be collected:\n" + collection.output,
                                            cap: suite.outputCap))
        }
        var why = "[testfleet] not reported by pytest"
        if let problem {
            why += ": \(problem)"
        } else if withinFiles, let run, !run.timedOut, !run.cancelled, [0, 1, 5].contains(run.exitStatus ?? -1) {
            why += ": not found: collecting its file made no test with this node id (renamed or removed since the suite was listed, "
                + "or made by a plugin that no longer makes it)"
        } else if let run {
            if run.timedOut {
                why += ": pytest batch timed out after \(ShellAdapter.seconds(timeout))s (per-test timeout × batch size) before reporting this test; it hung, or was still waiting behind the one that did"
            } else if run.cancelled {
                why += ": the run was cancelled"
            } else if let status = run.exitStatus {
                why += " (pytest exit status \(status))"
            } else if let signal = run.signal {
                why += " (pytest killed by signal \(signal))"
            }
        }
        let outputTail = run.map { PytestAdapter.tail(String(decoding: $0.output, as: UTF8.self), 4000) } ?? ""
        return AdapterResult(name: id, outcome: .error, duration: 0,
                             output: PytestAdapter.bytes(why + "\n--- end of pytest's output ---\n" + outputTail, cap: suite.outputCap))
    }
}
