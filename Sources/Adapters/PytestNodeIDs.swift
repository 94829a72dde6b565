import Foundation

/// Node-id arithmetic and pytest output parsing for `PytestAdapter`.
enum PytestNodeIDs {
    /// The (classname, name) pytest's `--junitxml` writes for a node id: pytest's own
    /// `mangle_test_address` (the file path dotted, `.py` dropped, classes joined with dots,
    /// parameters kept). `tests/test_x.py::TestA::test_m[a::b]` → (`tests.test_x.TestA`,
    /// `test_m[a::b]`); a module id `tests/test_x.py` (a collection error) → (``, `tests.test_x`).
    static func junitKey(of nodeID: String) -> JUnitKey {
        let bracket = nodeID.firstIndex(of: "[")
        let path = bracket.map { nodeID[..<$0] } ?? nodeID[...]
        let parameters = bracket.map { nodeID[$0...] } ?? ""
        var names = path.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        var file = names[0].replacing("/", with: ".")
        if file.hasSuffix(".py") { file.removeLast(3) }
        names[0] = file
        names[names.count - 1] += parameters
        return JUnitKey(classname: names.dropLast().joined(separator: "."), name: names[names.count - 1])
    }

    /// The module part of a node id: `tests/test_x.py::T::t[p]` → `tests/test_x.py`.
    static func module(of nodeID: String) -> String {
        let bracket = nodeID.firstIndex(of: "[") ?? nodeID.endIndex
        guard let separator = nodeID[..<bracket].firstRange(of: "::") else { return String(nodeID[..<bracket]) }
        return String(nodeID[..<separator.lowerBound])
    }

    struct JUnitKey: Hashable {
        var classname: String
        var name: String
    }

    /// Node ids and collection errors from `pytest --collect-only -q` output: the node id lines
    /// up to the first blank line, then `ERROR id` lines of the short summary (modules that
    /// failed to import, classes that could not be collected; they become one test each so
    /// their error is reported, not lost). A path named again is another collector's error on
    /// the same file (`--doctest-modules`), listed as its twin (`collectorTwin(of:ordinal:)`).
    /// A node id listed again is another item of that id, listed as its duplicate
    /// (`duplicate(of:ordinal:)`).
    static func parseCollection(_ output: String) -> (nodeIDs: [String], brokenCollectors: [String]) {
        var nodeIDs: [String] = []
        var broken: [String] = []
        var inList = true
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if inList {
                if text.hasPrefix("=") {
                    // Before the first id, a section that is not pytest's own is a plugin's
                    // header (SQLAlchemy's testing plugin prints `=== sqlalchemy installation
                    // ===` even under `-qq`): its lines name no test, and the ids follow it
                    // without a blank line.
                    inList = nodeIDs.isEmpty && !endsTheList(sectionTitle: text)
                } else if text.isEmpty {
                    inList = nodeIDs.isEmpty
                } else if text.contains("::") {
                    nodeIDs.append(text)
                }
                continue
            }
            if text.hasPrefix("ERROR "), !text.hasPrefix("ERROR: ") {
                var path = String(text.dropFirst(6))
                if let dash = path.range(of: " - ") { path = String(path[..<dash.lowerBound]) }
                broken.append(path)
            }
        }
        return (numberingRepeats(nodeIDs, duplicate(of:ordinal:)), numberingRepeats(broken, collectorTwin(of:ordinal:)))
    }

    /// Whether a `=== title ===` line is one of pytest's own sections after the node id list
    /// (errors, warnings, the summary, the closing count), not a plugin's header.
    static func endsTheList(sectionTitle line: String) -> Bool {
        let title = line.trimmingCharacters(in: CharacterSet(charactersIn: "= \r"))
        return ["ERRORS", "FAILURES", "warnings summary", "short test summary info"].contains(title)
            || title.contains(" collected") || title.hasPrefix("no tests ran") || title.contains(" error")
            || title.hasPrefix("Interrupted")
    }

    /// The arguments pytest refused before running anything (it then runs nothing at all):
    /// `ERROR: not found: X`, `ERROR: found no collectors for X`, `ERROR: file or directory not
    /// found: X`. X may be absolute; a requested id matches when X is it or ends in `/` + it.
    static func refusedArguments(in output: String, requested: [String]) -> [String: String] {
        var refused: [String: String] = [:]
        let prefixes = ["ERROR: not found: ", "ERROR: found no collectors for ", "ERROR: file or directory not found: "]
        for line in output.split(separator: "\n") {
            guard let prefix = prefixes.first(where: { line.hasPrefix($0) }) else { continue }
            let argument = String(line.dropFirst(prefix.count)).trimmingCharacters(in: [" ", "\r"])
            for id in requested where argument == id || argument.hasSuffix("/" + id) {
                refused[id] = String(line)
            }
        }
        return refused
    }

    /// Node ids in `XPASS id - reason` lines of pytest's `-rX` summary (an unexpected pass looks
    /// like a plain pass in JUnit XML; only the terminal summary tells them apart).
    static func unexpectedPasses(in output: String, requested: Set<String>) -> Set<String> {
        var found = Set<String>()
        for line in output.split(separator: "\n") where line.hasPrefix("XPASS ") {
            let rest = String(line.dropFirst(6)).trimmingCharacters(in: [" ", "\r"])
            if requested.contains(rest) {
                found.insert(rest)
                continue
            }
            // The reason follows " - "; the id itself may contain " - ", so try every split.
            var search = rest.startIndex
            while let dash = rest.range(of: " - ", range: search..<rest.endIndex) {
                let candidate = String(rest[..<dash.lowerBound])
                if requested.contains(candidate) {
                    found.insert(candidate)
                    break
                }
                search = dash.upperBound
            }
        }
        return found
    }

    /// `word` quoted for `/bin/sh`.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
