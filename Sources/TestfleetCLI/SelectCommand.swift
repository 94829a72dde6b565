public import ArgumentParser
import Adapters
import Config
import Foundation
import SelectionSources
import Model
import Planning
import Selection

/// `testfleet select --base R --head R [--root DIR] [--suite FILE] [--explain] [--json]`: the
/// tests the changes from base to head can affect, and why.
public struct SelectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Print the tests affected by the changes between two revisions.",
        discussion: """
            The changes are those of `git diff base...head` (head since it forked from base), \
            renames counted at both paths. Python tests are selected through the import graph, \
            Swift test targets through the package's target graph, and the suite file's [rules] \
            add always-run tests, path-to-test mappings and force-full-run paths. A changed path \
            that no rule and no graph accounts for runs everything. Python files map to modules \
            through the suite's module roots (src layout, pytest's pythonpath, packaging \
            metadata, PYTHONPATH; --explain lists them and why). Without --suite, the root's \
            testfleet.toml is used; without one, the root is one pytest suite (plus a swift suite \
            when it holds a Package.swift). With [rules] high_watermark set, a base that lacks the \
            newest commit (reachable from head) changing that file is reported first as \
            "rebase required: …"; `testfleet run` and `submit` fail such a build (exit 1).
            """)

    @Option(help: "The revision the changes are measured from (e.g. origin/main).")
    var base: String

    @Option(help: "The revision with the changes (e.g. HEAD).")
    var head: String

    @Option(help: "A directory inside the git repository (default: the current directory).")
    var root: String = "."

    @Option(help: "The suite file (default: testfleet.toml in --root when it exists).")
    var suite: String?

    @Flag(help: "Show the chain of reasons for each selected test and why the others were skipped.")
    var explain = false

    @Flag(help: "Print the selection as JSON.")
    var json = false

    public init() {}

    public func run() throws {
        let (suites, rules) = try loadSuites()
        let report = try ImpactAnalysis.select(in: root, base: base, head: head, suites: suites, rules: rules,
                                              providers: AdapterRegistry.impactProvider(for:))
        print(json ? report.jsonText : report.text(explain: explain), terminator: json ? "\n" : "")
    }

    /// The suites and rules to select from: the suite file's, or the defaults described above.
    private func loadSuites() throws -> ([SuiteDefinition], ImpactRules) {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let defaultFile = rootURL.appendingPathComponent("testfleet.toml").path
        let file = suite ?? (FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil)
        if let file {
            let suiteFile = try SuiteFile.load(path: file)
            return (suiteFile.suites, try ImpactRules(document: suiteFile.document))
        }
        var suites = [SuiteDefinition(name: "python", adapter: .pytest, directory: rootURL.path)]
        if FileManager.default.fileExists(atPath: rootURL.appendingPathComponent("Package.swift").path) {
            suites.append(SuiteDefinition(name: "swift", adapter: .swift, directory: rootURL.path))
        }
        return (suites, ImpactRules())
    }
}
