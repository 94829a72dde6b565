public import ArgumentParser
import SelectionSources
import Model
import Planning
import Selection

/// `testfleet graph PATH [--json]`: the Python import graph of the code under PATH, built by
/// testfleet's own scanner, in a shape other tools' graphs (grimp's) can be compared with.
public struct GraphCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the Python import graph of the code under PATH.",
        discussion: """
            PATH is a package directory (it has __init__.py; module names start with its name, \
            as in grimp.build_graph) or a source root (names relative to it). Only imports between \
            modules under PATH are listed. Modules with dynamic imports of unknown target \
            (importlib.import_module(variable)) are reported, since selection treats them as \
            importing everything.
            """)

    @Argument(help: "Directory of a Python package or source root.")
    var path: String

    @Flag(help: "Print {\"modules\": N, \"imports\": [[importer, imported], …]} with sorted edges.")
    var json = false

    public init() {}

    public func run() throws {
        let graph = try PythonSourceTree.graph(root: path, mode: .grimpCompatible)
        if json {
            print(graph.jsonText)
            return
        }
        var text = "\(graph.modules.count) modules, \(graph.edgeCount) imports between them\n"
        for edge in graph.edges { text += "\(edge.importer) -> \(edge.imported)\n" }
        for (index, lines) in graph.dynamicImportLines.enumerated() where !lines.isEmpty {
            let where_ = lines.map { "\(graph.paths[index]):\($0)" }.joined(separator: ", ")
            text += "dynamic import: unknown target in \(graph.modules[index]) (\(where_))\n"
        }
        print(text, terminator: "")
    }
}
