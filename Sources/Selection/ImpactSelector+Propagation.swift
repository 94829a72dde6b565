/// From changed modules and targets to the tests that reach them, breadth first so each test's
/// explanation is a shortest chain.
extension ImpactSelector {
    private static let unseen = -1
    private static let seed = -2
    private static let dynamic = -3

    /// Marks every module that imports a changed module (directly, transitively, through a
    /// package `__init__` or through an unknown dynamic import) and adds the tests among them.
    func propagatePython(suite: Int, atBase: Bool, seeds: [(module: Int, label: String)], work: inout Accumulator) {
        guard case .python(let head, let base) = suites[suite].graph, let graph = atBase ? base : head, !seeds.isEmpty
        else { return }
        let seeds = widenUnreachedSeeds(seeds, suite: suite, graph: graph, work: &work)
        let count = graph.modules.count
        var importers = [[Int]](repeating: [], count: count)
        for (importer, targets) in graph.imports.enumerated() {
            for target in targets { importers[target].append(importer) }
        }
        // Importing `a.b.c` first runs `a/__init__.py` and `a/b/__init__.py`, so a module depends
        // on its enclosing packages.
        var children = [[Int]](repeating: [], count: count)
        for module in 0..<count {
            if let parent = graph.parentPackage[module] { children[parent].append(module) }
        }
        // `from pkg import *` loads the submodules listed in pkg's `__all__` too: a module that
        // star-imports a package depends on the package's direct submodules.
        var starImporters = [[Int]](repeating: [], count: count)
        for (importer, packages) in graph.starImports.enumerated() {
            for package in packages { starImporters[package].append(importer) }
        }

        var via = [Int](repeating: Self.unseen, count: count)
        var label = [Int: String]()
        var queue: [Int] = []
        for (module, text) in seeds where via[module] == Self.unseen {
            via[module] = Self.seed
            label[module] = text
            queue.append(module)
        }
        // A module with `import_module(variable)` may load any changed module at run time; test
        // modules excepted, since code does not import tests.
        let codeChanged = seeds.contains { seed in
            !rules.isPythonTestFile(graph.paths[seed.module].split(separator: "/").last ?? "")
        }
        for module in 0..<count where codeChanged && !graph.dynamicImportLines[module].isEmpty && via[module] == Self.unseen {
            via[module] = Self.dynamic
            queue.append(module)
        }
        var next = 0
        while next < queue.count {
            let module = queue[next]
            next += 1
            var dependents = importers[module] + children[module]
            if let parent = graph.parentPackage[module] { dependents += starImporters[parent] }
            for dependent in dependents where via[dependent] == Self.unseen {
                via[dependent] = module
                queue.append(dependent)
            }
        }

        // Chains share their beginnings, so each module's chain is built once from its
        // predecessor's: a million selected tests cost a million appends, not a million walks.
        var chains = [[String]?](repeating: nil, count: count)
        func chain(to module: Int) -> [String] {
            if let known = chains[module] { return known }
            var pending = [module]
            while via[pending[pending.count - 1]] >= 0, chains[pending[pending.count - 1]] == nil {
                pending.append(via[pending[pending.count - 1]])
            }
            for node in pending.reversed() where chains[node] == nil {
                if via[node] == Self.dynamic {
                    let first = seeds.first { !rules.isPythonTestFile(graph.paths[$0.module].split(separator: "/").last ?? "") } ?? seeds[0]
                    chains[node] = [
                        first.label, graph.modules[first.module],
                        "\(graph.modules[node]) has a dynamic import of unknown target "
                            + "(\(graph.paths[node]):\(graph.dynamicImportLines[node][0])) that may load it",
                    ]
                } else if via[node] == Self.seed {
                    chains[node] = [label[node] ?? graph.paths[node], graph.modules[node]]
                } else {
                    chains[node] = chains[via[node]]! + [Self.describeStep(from: via[node], to: node, in: graph)]
                }
            }
            return chains[module]!
        }
        for test in suites[suite].tests {
            guard let module = graph.index(ofPath: test), via[module] != Self.unseen else { continue }
            work.add(TestKey(suite: suite, test: test), chain(to: module) + ["test \(test)"])
        }
        // pytest runs a conftest.py (and what it imports) for every test below it, and a plugin
        // for every test of the session: a reached one reaches those tests whatever they import.
        for (module, directory, why) in testWideModules(suite: suite, graph: graph) where via[module] != Self.unseen {
            for test in suites[suite].tests where test.hasPrefix(directory) {
                work.add(TestKey(suite: suite, test: test), chain(to: module) + [why, "test \(test)"])
            }
        }
    }

    /// Marks every target depending on a changed target and adds the test targets among them.
    func propagateSwift(suite: Int, seeds: [(target: Int, label: String)], work: inout Accumulator) {
        guard case .swift(let graph) = suites[suite].graph else { return }
        var via = [Int](repeating: Self.unseen, count: graph.targets.count)
        var label = [Int: String]()
        var queue: [Int] = []
        for (target, text) in seeds where via[target] == Self.unseen {
            via[target] = Self.seed
            label[target] = text
            queue.append(target)
        }
        var next = 0
        while next < queue.count {
            let target = queue[next]
            next += 1
            for dependent in graph.dependents[target] where via[dependent] == Self.unseen {
                via[dependent] = target
                queue.append(dependent)
            }
        }
        for (index, target) in graph.targets.enumerated() where target.isTest && via[index] != Self.unseen {
            var path = [index]
            while via[path[path.count - 1]] >= 0 { path.append(via[path[path.count - 1]]) }
            let origin = path[path.count - 1]
            var chain = [label[origin] ?? graph.targets[origin].path, "target \(graph.targets[origin].name)"]
            for step in stride(from: path.count - 2, through: 0, by: -1) {
                chain.append("\(graph.targets[path[step]].name) depends on \(graph.targets[path[step + 1]].name)")
            }
            chain.append("test target \(target.name)")
            work.add(TestKey(suite: suite, test: target.name), chain)
        }
    }

    /// `dependent` was reached from `module`: say how.
    private static func describeStep(from module: Int, to dependent: Int, in graph: PythonImportGraph) -> String {
        let targets = graph.imports[dependent]
        if let position = targets.firstIndex(of: module) {
            return "\(graph.modules[dependent]) imports \(graph.modules[module]) "
                + "(\(graph.paths[dependent]):\(graph.importLines[dependent][position]))"
        }
        if let parent = graph.parentPackage[module], graph.starImports[dependent].contains(parent) {
            return "\(graph.modules[dependent]) star-imports package \(graph.modules[parent]), which may load it"
        }
        return "\(graph.modules[dependent]) is inside package \(graph.modules[module])"
    }

    /// Turns the accumulated reasons into the sorted result, listing every test not selected
    /// with why.
    func finish(_ work: Accumulator) -> ImpactSelection {
        var selected: [ImpactSelection.Selected] = []
        var skipped: [ImpactSelection.Skipped] = []
        let everything = work.runAll.first.map { ["everything runs: " + $0] }
        for (index, suite) in suites.enumerated() {
            let keys = suite.tests.isEmpty ? [TestKey(suite: index, test: nil)] : suite.tests.map { TestKey(suite: index, test: $0) }
            for key in keys {
                let reasons = work.reasons[key] ?? []
                if let everything {
                    selected.append(.init(suite: suite.name, test: key.test, reasons: [everything] + reasons))
                } else if !reasons.isEmpty {
                    selected.append(.init(suite: suite.name, test: key.test, reasons: reasons))
                } else {
                    skipped.append(.init(suite: suite.name, test: key.test, why: skipReason(for: index, work: work)))
                }
            }
        }
        return ImpactSelection(
            runAllReasons: work.runAll, selected: selected, skipped: skipped, paths: work.notes, layout: layoutLines())
    }

    private func skipReason(for suite: Int, work: Accumulator) -> String {
        switch suites[suite].graph {
        case .python:
            let changed = (work.pythonSeeds[suite]?.values.joined().count) ?? 0
            return changed == 0
                ? "no changed file is a module of this suite, and no rule names the test"
                : "imports none of the \(changed) changed module(s), directly or transitively, and no rule names it"
        case .swift:
            let changed = work.swiftSeeds[suite]?.count ?? 0
            return changed == 0
                ? "no changed file is in a target of this package, and no rule names it"
                : "depends on none of the \(changed) changed target(s), and no rule names it"
        case .none:
            return "no rule maps a changed path to this suite"
        }
    }
}
