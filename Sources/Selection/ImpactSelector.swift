/// Changed paths → the tests they can affect, with the chain of reasons for each.
///
/// Safety first: a selection may run too much, never too little. So every changed path must be
/// accounted for: it forces a full run (a force-full pattern), or a rule maps it to tests, or it
/// is a file in an import graph or under a Swift target. A path that is none of these is
/// unknown and runs everything. Python modules with a dynamic import of unknown target are
/// treated as importing every module. A `conftest.py` or plugin that reaches a changed module
/// selects every test below it, and a changed module that no test needs runs its package's tests
/// or everything (see `ImpactSelector+SafetyNet.swift`).
public struct ImpactSelector: Sendable {
    public var suites: [ImpactSuite]
    public var rules: ImpactRules

    public init(suites: [ImpactSuite], rules: ImpactRules) {
        self.suites = suites
        self.rules = rules
    }

    /// Key of a selected test: suite index and test id (nil: the whole suite).
    struct TestKey: Hashable {
        var suite: Int
        var test: String?
    }

    /// Work in progress of one `select` call.
    struct Accumulator {
        var runAll: [String] = []
        var reasons: [TestKey: [[String]]] = [:]
        var notes: [ImpactSelection.PathNote] = []
        /// Per suite and side (false: head, true: base): Python modules changed, with the label
        /// of the changed file.
        var pythonSeeds: [Int: [Bool: [(module: Int, label: String)]]] = [:]
        var swiftSeeds: [Int: [(target: Int, label: String)]] = [:]

        mutating func add(_ key: TestKey, _ chain: [String]) {
            // A few chains per test are enough to explain it; more only bloat the output.
            if reasons[key, default: []].count < 3 { reasons[key, default: []].append(chain) }
        }
    }

    /// Selects the tests affected by `changes`.
    public func select(_ changes: [ChangedPath]) -> ImpactSelection {
        var work = Accumulator()
        for change in changes {
            var notes: [String] = []
            for side in change.sides {
                classify(path: side.path, atBase: side.atBase, change: change, notes: &notes, work: &work)
            }
            work.notes.append(ImpactSelection.PathNote(change: change, notes: notes))
        }
        for reference in rules.alwaysRun {
            let keys = resolve(reference)
            if keys.isEmpty {
                work.runAll.append("always_run entry '\(reference)' matches no test (a stale rule must not hide tests)")
            }
            for key in keys { work.add(key, ["always_run: \(reference)"]) }
        }
        for (suite, sides) in work.pythonSeeds {
            for (atBase, seeds) in sides { propagatePython(suite: suite, atBase: atBase, seeds: seeds, work: &work) }
        }
        for (suite, seeds) in work.swiftSeeds { propagateSwift(suite: suite, seeds: seeds, work: &work) }
        return finish(work)
    }

    /// Decides what one changed path (on one side of a rename) means.
    private func classify(path: String, atBase: Bool, change: ChangedPath, notes: inout [String], work: inout Accumulator) {
        let label = atBase && change.status == .renamed ? "\(path) (renamed away)" : "\(path) (\(change.status.rawValue))"
        if let glob = rules.forceFullRun.first(where: { $0.matches(path) }) {
            notes.append("\(path): force-full-run pattern '\(glob)'")
            work.runAll.append("\(label) matches force-full-run pattern '\(glob)'")
            return
        }
        var claimed = false
        for rule in rules.paths where rule.glob.matches(path) {
            claimed = true
            notes.append("\(path): rule '\(rule.glob)' = [\(rule.targets.map(\.description).joined(separator: ", "))]")
            for target in rule.targets {
                let keys = resolve(target)
                if keys.isEmpty {
                    work.runAll.append("rule '\(rule.glob)' for \(label) names '\(target)', which matches no test")
                }
                for key in keys { work.add(key, [label, "rule '\(rule.glob)' -> \(target)"]) }
            }
        }
        for (index, suite) in suites.enumerated() {
            guard let inner = suite.innerPath(path) else { continue }
            switch suite.graph {
            case .python(let head, let base):
                if classifyPython(
                    inner: inner, atBase: atBase, label: label, suite: index, head: head, base: base,
                    notes: &notes, work: &work)
                {
                    claimed = true
                }
            case .swift(let targets):
                if let target = targets.target(containing: inner) {
                    claimed = true
                    notes.append("\(path): in Swift target \(targets.targets[target].name) (suite \(suite.name))")
                    work.swiftSeeds[index, default: []].append((target, label))
                }
            case .none:
                break
            }
        }
        if !claimed {
            notes.append("\(path): unknown path")
            work.runAll.append("\(label) is an unknown path: no rule matches it and it is in no import or target graph")
        }
    }

    /// A path inside a pytest suite: a module of the graph (head, or base for a deleted or
    /// renamed-away file), a `conftest.py`, or a test file. Returns whether it was claimed.
    private func classifyPython(
        inner: String, atBase: Bool, label: String, suite: Int, head: PythonImportGraph, base: PythonImportGraph?,
        notes: inout [String], work: inout Accumulator
    ) -> Bool {
        let suiteName = suites[suite].name
        var claimed = false
        let fileName = inner.split(separator: "/").last.map(String.init) ?? inner
        if fileName == "conftest.py" {
            // pytest loads a conftest.py for every test below its directory, imported or not.
            claimed = true
            let directory = String(inner.dropLast(fileName.count))
            notes.append("\(label): conftest.py of every test under '\(directory.isEmpty ? "." : directory)' in \(suiteName)")
            for test in suites[suite].tests where test.hasPrefix(directory) {
                work.add(TestKey(suite: suite, test: test), [label, "conftest.py applies to tests under \(directory.isEmpty ? "./" : directory)", test])
            }
        }
        guard inner.hasSuffix(".py") else { return claimed }
        let graph = atBase ? base : head
        guard let graph else {
            // The caller supplies the base graph whenever a Python file was deleted or renamed; if
            // it did not, the former importers are unknown.
            work.runAll.append("\(label): no import graph at base to find the former importers")
            return true
        }
        if let module = graph.index(ofPath: inner) {
            notes.append("\(label): module \(graph.modules[module]) in \(suiteName)\(atBase ? " (graph at base)" : "")")
            work.pythonSeeds[suite, default: [:]][atBase, default: []].append((module, label))
            return true
        }
        if !atBase, rules.isPythonTestFile(fileName), suites[suite].testSet.contains(inner) {
            work.add(TestKey(suite: suite, test: inner), [label, "the test file itself"])
            return true
        }
        return claimed
    }

    /// The tests a rule reference names; empty when it names none.
    func resolve(_ reference: TestReference) -> [TestKey] {
        func tests(of suite: Int, matching glob: PathGlob?) -> [TestKey] {
            if suites[suite].tests.isEmpty { return [TestKey(suite: suite, test: nil)] }
            return suites[suite].tests.filter { glob?.matches($0) ?? true }.map { TestKey(suite: suite, test: $0) }
        }
        switch reference {
        case .test(let suiteName, let pattern):
            guard let suite = suites.firstIndex(where: { $0.name == suiteName }),
                let glob = try? PathGlob(pattern)
            else { return [] }
            return tests(of: suite, matching: glob)
        case .suiteOrTest(let name):
            if let suite = suites.firstIndex(where: { $0.name == name }) { return tests(of: suite, matching: nil) }
            guard let glob = try? PathGlob(name) else { return [] }
            return suites.indices.flatMap { suite in
                suites[suite].tests.filter { glob.matches($0) }.map { TestKey(suite: suite, test: $0) }
            }
        }
    }
}
