/// What protects a Python selection from a gap in the module mapping: modules that every test
/// below them loads (conftest.py files, plugins), and changed modules that no test reaches.
extension ImpactSelector {
    /// The modules pytest loads for many tests at once, with the directory prefix of the tests
    /// they apply to ("" for all) and why: every `conftest.py` and every plugin of the layout.
    func testWideModules(suite: Int, graph: PythonImportGraph) -> [(module: Int, directory: String, why: String)] {
        var result: [(module: Int, directory: String, why: String)] = []
        for (module, path) in graph.paths.enumerated() where path == "conftest.py" || path.hasSuffix("/conftest.py") {
            let directory = String(path.dropLast("conftest.py".count))
            result.append((module, directory, "\(path) is loaded for every test under \(directory.isEmpty ? "./" : directory)"))
        }
        for plugin in suites[suite].layout.plugins {
            for module in graph.modules(importedAs: plugin.module) {
                result.append((module, "", "plugin \(plugin.module) (\(plugin.reason)) is loaded for every test"))
            }
        }
        return result
    }

    /// Every module some test needs without a dynamic import: the tests, the conftest files and
    /// plugins, and everything they import, the packages around those, and the submodules a star
    /// import of a package loads.
    func staticallyNeeded(suite: Int, graph: PythonImportGraph) -> [Bool] {
        var needed = [Bool](repeating: false, count: graph.modules.count)
        var queue: [Int] = []
        func visit(_ module: Int) {
            if !needed[module] {
                needed[module] = true
                queue.append(module)
            }
        }
        for test in suites[suite].tests { if let module = graph.index(ofPath: test) { visit(module) } }
        for wide in testWideModules(suite: suite, graph: graph) { visit(wide.module) }
        var children = [[Int]](repeating: [], count: graph.modules.count)
        for module in graph.modules.indices {
            if let parent = graph.parentPackage[module] { children[parent].append(module) }
        }
        var next = 0
        while next < queue.count {
            let module = queue[next]
            next += 1
            for imported in graph.imports[module] { visit(imported) }
            if let parent = graph.parentPackage[module] { visit(parent) }
            for package in graph.starImports[module] { for child in children[package] { visit(child) } }
        }
        return needed
    }

    /// The safety net. A changed module that no test, conftest.py or plugin needs is suspicious:
    /// a script, a data loader, or a layout testfleet did not understand. The tests of its whole
    /// top-level package run instead (its modules join the seeds); when it is in no package, or
    /// no test needs anything in that package either, everything runs. Test modules are their own
    /// tests and need no net.
    func widenUnreachedSeeds(
        _ seeds: [(module: Int, label: String)], suite: Int, graph: PythonImportGraph, work: inout Accumulator
    ) -> [(module: Int, label: String)] {
        let needed = staticallyNeeded(suite: suite, graph: graph)
        var result = seeds
        var widened: Set<Int> = []
        for seed in seeds where !needed[seed.module] && !suites[suite].isTest(graph.paths[seed.module]) {
            let name = graph.modules[seed.module]
            var top = seed.module
            while let parent = graph.parentPackage[top] { top = parent }
            let tree = graph.isPackage[top] ? String(graph.paths[top].dropLast("__init__.py".count)) : nil
            guard let tree, !tree.isEmpty,
                graph.paths.indices.contains(where: { graph.paths[$0].hasPrefix(tree) && needed[$0] })
            else {
                work.runAll.append(
                    "\(seed.label): module \(name) is needed by no test, conftest.py or plugin (a script, a data "
                        + "loader, or a layout testfleet does not understand), and no test needs its package either")
                continue
            }
            guard widened.insert(top).inserted else { continue }
            let why = "\(seed.label): module \(name) is needed by no test, conftest.py or plugin, so the tests of "
                + "its package \(graph.modules[top]) run"
            for module in graph.paths.indices where graph.paths[module].hasPrefix(tree) {
                result.append((module, why))
            }
        }
        return result
    }
}

extension ImpactSelector {
    /// How each pytest suite's files were mapped to modules, for `--explain`.
    func layoutLines() -> [String] {
        var lines: [String] = []
        for suite in suites {
            guard case .python(let head, _) = suite.graph else { continue }
            let layout = suite.layout
            lines.append("suite \(suite.name): module roots (directories on sys.path, relative to '\(suite.directory.isEmpty ? "." : suite.directory)'):")
            for root in layout.roots {
                lines.append("  '\(root.directory.isEmpty ? "." : root.directory)': \(root.reason)")
            }
            for (root, example) in head.inferredRoots {
                lines.append(
                    "  '\(root.split(separator: ".").joined(separator: "/"))' (inferred, unsure: no setting names it; "
                        + "\(example), found only there; both readings are kept)")
            }
            for plugin in layout.plugins { lines.append("  plugin \(plugin.module): \(plugin.reason)") }
            for note in layout.notes { lines.append("  unsure: \(note)") }
        }
        return lines
    }
}
