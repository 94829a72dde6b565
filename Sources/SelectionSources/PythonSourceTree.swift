#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
public import Foundation
public import Model
public import Selection

/// Reads the Python sources under a directory on disk and builds their import graph.
public enum PythonSourceTree {
    /// The graph of the code under `root`. When `root` has an `__init__.py` it is a package and
    /// module names start with its directory name (like `grimp.build_graph(name)`); otherwise
    /// names are relative to `root` (a source root on `sys.path`). Files are read and scanned
    /// on all cores.
    /// `workers` caps the reading threads (default: one per core).
    public static func graph(root: String, mode: PythonModuleLayout.Mode = .grimpCompatible, workers: Int? = nil)
        throws(TestfleetError) -> PythonImportGraph
    {
        let root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        var isDirectory = stat()
        guard stat(root, &isDirectory) == 0, (isDirectory.st_mode & S_IFMT) == S_IFDIR else {
            throw TestfleetError.badInput("'\(root)' is not a directory; give the directory of a Python package or source root")
        }
        let paths = listFiles(root: root)
        let rootPackage = paths.contains("__init__.py") ? lastComponent(of: root) : nil
        let entries = PythonModuleLayout.entries(paths: paths, rootPackage: rootPackage, mode: mode)
        let scans = scanConcurrently(entries.map { root + "/" + $0.path }, workers: workers)
        let files = zip(entries, scans).map { entry, imports in
            PythonSourceFile(
                path: entry.path, module: entry.module, isPackage: entry.isPackage, importBase: entry.importBase,
                imports: imports)
        }
        return PythonImportGraph(files: files)
    }

    /// Root-relative paths of the regular files under `root`, skipping hidden directories,
    /// `__pycache__`, `node_modules` and virtual environments (a directory with `pyvenv.cfg`).
    static func listFiles(root: String) -> [String] {
        var result: [String] = []
        var pending: [String] = [""]
        while let relative = pending.popLast() {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let directory = opendir(absolute) else { continue }
            defer { closedir(directory) }
            var names: [(String, Bool)] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name == "." || name == ".." { continue }
                let type = Int32(entry.pointee.d_type)
                var isDirectory = type == Int32(DT_DIR)
                if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                    var info = stat()
                    if stat(absolute + "/" + name, &info) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
                    // Like os.walk (grimp), symlinked directories are not entered: no cycles.
                    if isDirectory && type == Int32(DT_LNK) { continue }
                }
                names.append((name, isDirectory))
            }
            if !relative.isEmpty, names.contains(where: { $0.0 == "pyvenv.cfg" }) { continue }
            for (name, isDirectory) in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                if isDirectory {
                    if name.hasPrefix(".") || name == "__pycache__" || name == "node_modules" { continue }
                    pending.append(path)
                } else {
                    result.append(path)
                }
            }
        }
        return result
    }

    /// Reads and scans each file, spreading the files over all cores. A file that cannot be read
    /// scans as empty (it vanished between listing and reading).
    static func scanConcurrently(_ absolutePaths: [String], workers: Int? = nil) -> [PythonSourceImports] {
        let results = ResultSlots<PythonSourceImports>(count: absolutePaths.count)
        let workers = max(1, min(absolutePaths.count, workers ?? activeProcessorCount()))
        // Interleaved striding gives each worker a similar mix of big and small files.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var buffer: [UInt8] = []
            var index = worker
            while index < absolutePaths.count {
                results.store(index, scanFile(absolutePaths[index], buffer: &buffer))
                index += workers
            }
        }
        return results.values()
    }

    /// Reads the file into `buffer` (reused between files to save allocations) and scans it.
    static func scanFile(_ path: String, buffer: inout [UInt8]) -> PythonSourceImports {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return PythonSourceImports() }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return PythonSourceImports() }
        let size = Int(info.st_size)
        if buffer.count < size { buffer = [UInt8](repeating: 0, count: size) }
        var filled = 0
        buffer.withUnsafeMutableBytes { raw in
            while filled < size {
                let got = read(descriptor, raw.baseAddress! + filled, size - filled)
                if got <= 0 { break }
                filled += got
            }
        }
        return buffer.withUnsafeBufferPointer { all in
            PythonImportScanner.scan(UnsafeBufferPointer(rebasing: all[0..<filled]))
        }
    }

    static func lastComponent(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func activeProcessorCount() -> Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}

/// Fixed slots written by concurrent workers, each slot by exactly one worker.
final class ResultSlots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func store(_ index: Int, _ value: Value) { storage[index] = value }

    /// The values, in index order; call after every worker has finished.
    func values() -> [Value] { storage.map { $0! } }
}

extension PythonSourceTree {
    /// The graph of files already in memory (read from a git revision): `files` pairs
    /// root-relative paths with contents. Scanning runs on all cores.
    /// `roots` and `infersRoots` are `PythonImportGraph`'s.
    public static func graph(
        contents files: [(path: String, bytes: Data)], rootPackage: String?, mode: PythonModuleLayout.Mode,
        roots: [String] = [], infersRoots: Bool = false
    ) -> PythonImportGraph {
        let entries = PythonModuleLayout.entries(paths: files.map(\.path), rootPackage: rootPackage, mode: mode)
        var byPath: [String: Data] = [:]
        for file in files { byPath[file.path] = file.bytes }
        let sources = entries.map { byPath[$0.path] ?? Data() }
        return graph(entries: entries, imports: scan(sources), roots: roots, infersRoots: infersRoots)
    }

    /// Scans byte buffers on all cores, in order.
    static func scan(_ sources: [Data]) -> [PythonSourceImports] {
        let results = ResultSlots<PythonSourceImports>(count: sources.count)
        let workers = max(1, min(sources.count, activeProcessorCount()))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < sources.count {
                let scanned = sources[index].withUnsafeBytes { raw in
                    PythonImportScanner.scan(raw.bindMemory(to: UInt8.self))
                }
                results.store(index, scanned)
                index += workers
            }
        }
        return results.values()
    }

    /// The graph of module entries whose imports are already known (`imports` parallel to them).
    static func graph(
        entries: [PythonModuleLayout.Entry], imports: [PythonSourceImports], roots: [String], infersRoots: Bool
    ) -> PythonImportGraph {
        let files = zip(entries, imports).map { entry, imports in
            PythonSourceFile(
                path: entry.path, module: entry.module, isPackage: entry.isPackage, importBase: entry.importBase,
                imports: imports)
        }
        return PythonImportGraph(files: files, roots: roots, infersRoots: infersRoots)
    }
}
