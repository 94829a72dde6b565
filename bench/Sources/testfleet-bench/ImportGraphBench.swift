import Foundation
import SelectionSources
import Planning
import Selection

/// `bench/run import-graph`: testfleet's Python import graph against grimp's on one real
/// package, in the same run. Both sides are timed in-process on warm files (median of
/// `--runs`), then the edge sets are compared.
///
/// Arguments: `--package DIR` (a package directory, e.g. …/django), `--python PATH` (an
/// interpreter with grimp installed), `--runs N` (default 7).
enum ImportGraphBench {
    static func run(_ arguments: [String]) throws {
        var options: [String: String] = [:]
        var iterator = arguments.makeIterator()
        while let key = iterator.next() {
            guard key.hasPrefix("--"), let value = iterator.next() else {
                throw BenchUsage("usage: import-graph --package DIR --python PATH [--runs N]")
            }
            options[String(key.dropFirst(2))] = value
        }
        guard let package = options["package"], let python = options["python"] else {
            throw BenchUsage("usage: import-graph --package DIR --python PATH [--runs N]")
        }
        let runs = Int(options["runs"] ?? "7") ?? 7
        let packageURL = URL(fileURLWithPath: package).standardizedFileURL
        let packageName = packageURL.lastPathComponent
        let parent = packageURL.deletingLastPathComponent().path

        // Rounds alternate testfleet (all cores, then one core) and grimp, so load from other
        // processes on the machine falls on both alike.
        let grimp = try GrimpSession(python: python, parent: parent, package: packageName)
        var graph = try PythonSourceTree.graph(root: packageURL.path)
        var allCores: [Double] = []
        var oneCore: [Double] = []
        var grimpSeconds: [Double] = []
        for _ in 0..<runs {
            allCores.append(try seconds { graph = try PythonSourceTree.graph(root: packageURL.path) })
            oneCore.append(try seconds { _ = try PythonSourceTree.graph(root: packageURL.path, workers: 1) })
            grimpSeconds.append(try grimp.timeOneBuild())
        }
        let grimpGraph = try grimp.finish()

        let ours = Set(graph.edges.map { Edge(importer: $0.importer, imported: $0.imported) })
        let theirs = Set(grimpGraph.edges)
        let common = ours.intersection(theirs).count
        let union = ours.union(theirs).count
        let agreement = union == 0 ? 1 : Double(common) / Double(union)
        let ourMedian = median(allCores)
        let grimpMedian = median(grimpSeconds)

        print("import-graph: package \(packageName) at \(packageURL.path), \(runs) runs each, medians")
        print("  testfleet (\(ProcessInfo.processInfo.activeProcessorCount) cores): \(ms(ourMedian)) ms, 1 core: \(ms(median(oneCore))) ms, \(graph.modules.count) modules, \(ours.count) imports")
        print("  grimp \(grimpGraph.version) build_graph(cache_dir=None): \(ms(grimpMedian)) ms, \(grimpGraph.modules) modules, \(theirs.count) imports")
        print("  speed-up over grimp: \(String(format: "%.2f", grimpMedian / ourMedian))x")
        print("  edge agreement: \(common) common of \(union) (\(String(format: "%.3f", agreement * 100))%)")
        for edge in ours.subtracting(theirs).sorted().prefix(25) { print("  only testfleet: \(edge.importer) -> \(edge.imported)") }
        for edge in theirs.subtracting(ours).sorted().prefix(25) { print("  only grimp:     \(edge.importer) -> \(edge.imported)") }
        print(
            "{\"bench\": \"import-graph\", \"package\": \"\(packageName)\", \"modules\": \(graph.modules.count), "
                + "\"grimp_modules\": \(grimpGraph.modules), \"edges\": \(ours.count), \"grimp_edges\": \(theirs.count), "
                + "\"common_edges\": \(common), \"agreement\": \(String(format: "%.5f", agreement)), "
                + "\"testfleet_ms\": \(ms(ourMedian)), \"testfleet_one_core_ms\": \(ms(median(oneCore))), "
                + "\"grimp_ms\": \(ms(grimpMedian)), \"speedup\": \(String(format: "%.3f", grimpMedian / ourMedian)), "
                + "\"runs\": \(runs)}")
    }

    struct Edge: Hashable, Comparable {
        var importer: String
        var imported: String
        static func < (a: Edge, b: Edge) -> Bool { (a.importer, a.imported) < (b.importer, b.imported) }
    }

    struct GrimpGraph {
        var version: String
        var modules: Int
        var edges: [Edge]
    }

    struct BenchUsage: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// One Python interpreter with grimp imported, driven line by line: `run` builds the graph
    /// once and answers with the seconds build_graph took; `dump` answers with the last graph.
    final class GrimpSession {
        private let process = Process()
        private let input = Pipe()
        private let output = Pipe()
        private var buffer = Data()

        init(python: String, parent: String, package: String) throws {
            let script = """
                import json, sys, time
                sys.path.insert(0, sys.argv[1])
                import grimp
                from importlib.metadata import version
                graph = None
                for line in sys.stdin:
                    if line.strip() == "run":
                        start = time.perf_counter()
                        graph = grimp.build_graph(sys.argv[2], cache_dir=None)
                        print(time.perf_counter() - start, flush=True)
                    elif line.strip() == "dump":
                        edges = sorted((m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m))
                        print(json.dumps({"version": version("grimp"), "modules": len(graph.modules), "imports": edges}), flush=True)
                """
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", script, parent, package]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
        }

        func timeOneBuild() throws -> Double {
            guard let seconds = Double(try ask("run")) else { throw BenchUsage("grimp did not answer with a time") }
            return seconds
        }

        func finish() throws -> GrimpGraph {
            let answer = try ask("dump")
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            guard let object = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
                let imports = object["imports"] as? [[String]]
            else { throw BenchUsage("grimp's graph dump was not JSON") }
            return GrimpGraph(
                version: object["version"] as? String ?? "?", modules: object["modules"] as? Int ?? 0,
                edges: imports.map { Edge(importer: $0[0], imported: $0[1]) })
        }

        /// Sends one command line and reads one answer line.
        private func ask(_ command: String) throws -> String {
            try input.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8))
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    return line
                }
                let chunk = output.fileHandleForReading.availableData
                guard !chunk.isEmpty else {
                    throw BenchUsage("grimp exited early; is grimp 3.19 installed for this interpreter?")
                }
                buffer.append(chunk)
            }
        }
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
}
