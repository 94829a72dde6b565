#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Selection

/// The imports found in each git blob, kept in the repository's git directory between runs, so a
/// selection reads and scans only the files that changed since the previous one (a mono-repo's
/// 28,000 modules are otherwise read and scanned on every run).
///
/// The file starts with a header naming the testfleet executable (path, size, modification
/// time): any other build of testfleet, whose scanner may differ, starts from an empty cache. A
/// missing, foreign or damaged file is an empty cache: the cache can only save work, never
/// change a selection.
struct ScanCache {
    private(set) var entries: [GitObjectID: PythonSourceImports] = [:]
    /// Blob ids used by this run (repeats possible): the file keeps only these.
    private var used: [GitObjectID] = []
    let path: String

    static let fileName = "testfleet-scan-cache"

    /// The cache in `$TESTFLEET_SCAN_CACHE_DIR` when set (a CI cache directory that outlives
    /// fresh clones), else in the repository's git directory.
    init(gitDirectory: String) {
        let directory = ProcessInfo.processInfo.environment["TESTFLEET_SCAN_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        if let directory { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        path = (directory ?? gitDirectory) + "/" + Self.fileName
        guard let data = FileManager.default.contents(atPath: path) else { return }
        entries = Self.decode(data) ?? [:]
    }

    /// The cached imports of `blob`, marking it used.
    mutating func imports(of blob: GitObjectID) -> PythonSourceImports? {
        guard let found = entries[blob] else { return nil }
        used.append(blob)
        return found
    }

    mutating func store(_ imports: PythonSourceImports, for blob: GitObjectID) {
        entries[blob] = imports
        used.append(blob)
        changed = true
    }

    /// Whether this run scanned something new (else the file on disk is already right).
    private(set) var changed = false

    /// Writes the used entries (to a temporary file renamed into place, so a concurrent run reads
    /// the old file or the new one); a failure only loses the cache.
    func save() {
        var text = Self.header + "\n"
        for (name, blob) in Set(used).map({ ($0.description, $0) }).sorted(by: { $0.0 < $1.0 }) {
            guard let imports = entries[blob] else { continue }
            text += name + "\t" + imports.dynamicImportLines.map(String.init).joined(separator: ",") + "\n"
            for statement in imports.imports {
                let kind = switch statement.kind {
                case .plain: "p"
                case .from: "f"
                case .dynamicLiteral: "d"
                }
                text += "\t\(kind)\t\(statement.level)\t\(statement.line)\t\(statement.anchoredAtModuleName ? 1 : 0)\t"
                text += statement.module + "\t" + (statement.name ?? "\u{1}") + "\n"
            }
        }
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// Identifies the running executable; empty when it cannot be found (then nothing matches).
    static let header: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var info = stat()
        guard stat(executable, &info) == 0 else { return "testfleet-scan-cache 1 unknown-\(getpid())" }
        return "testfleet-scan-cache 1 \(executable) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()

    /// nil when the header does not match or a line is damaged. Parsed byte by byte: a
    /// mono-repo's cache holds ~200,000 lines, read on every run.
    static func decode(_ data: Data) -> [GitObjectID: PythonSourceImports]? {
        data.withUnsafeBytes { raw -> [GitObjectID: PythonSourceImports]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            var result: [GitObjectID: PythonSourceImports] = [:]
            // About 170 bytes per blob in a mono-repo's cache: reserving saves the rehashes.
            result.reserveCapacity(bytes.count / 128)
            var current: (blob: GitObjectID, imports: PythonSourceImports)?
            var fields: [Range<Int>] = []
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            func number(_ range: Range<Int>) -> Int? {
                guard !range.isEmpty else { return nil }
                var value = 0
                for index in range {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0, digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            var isHeader = true
            while lineStart < bytes.count {
                var end = lineStart
                fields.removeAll(keepingCapacity: true)
                var fieldStart = lineStart
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") {
                    if bytes[end] == UInt8(ascii: "\t") {
                        fields.append(fieldStart..<end)
                        fieldStart = end + 1
                    }
                    end += 1
                }
                fields.append(fieldStart..<end)
                defer { lineStart = end + 1 }
                if isHeader {
                    guard text(lineStart..<end) == header else { return nil }
                    isHeader = false
                    continue
                }
                if fields[0].isEmpty {
                    guard current != nil, fields.count == 7, fields[1].count == 1, let level = number(fields[2]),
                        let line = number(fields[3])
                    else { return nil }
                    let kind: PythonImport.Kind
                    switch bytes[fields[1].lowerBound] {
                    case UInt8(ascii: "p"): kind = .plain
                    case UInt8(ascii: "f"): kind = .from
                    case UInt8(ascii: "d"): kind = .dynamicLiteral
                    default: return nil
                    }
                    let noName = fields[6].count == 1 && bytes[fields[6].lowerBound] == 1
                    current!.imports.imports.append(
                        PythonImport(
                            kind: kind, level: level, module: text(fields[5]), name: noName ? nil : text(fields[6]),
                            anchoredAtModuleName: bytes[fields[4].lowerBound] == UInt8(ascii: "1"), line: line))
                } else {
                    guard fields.count == 2 else { return nil }
                    if let finished = current { result[finished.blob] = finished.imports }
                    var dynamic: [Int] = []
                    var numberStart = fields[1].lowerBound
                    for index in fields[1].lowerBound...fields[1].upperBound
                    where index == fields[1].upperBound || bytes[index] == UInt8(ascii: ",") {
                        if let value = number(numberStart..<index) { dynamic.append(value) }
                        numberStart = index + 1
                    }
                    guard let blob = GitObjectID(hex: UnsafeBufferPointer(rebasing: bytes[fields[0]])) else { return nil }
                    current = (blob, PythonSourceImports(imports: [], dynamicImportLines: dynamic))
                }
            }
            if let finished = current { result[finished.blob] = finished.imports }
            return result
        }
    }
}
