#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A Python module testfleet writes for pytest to load with `-p`: into the worker's cache
/// directory, under a directory named by the content's hash, so an upgraded testfleet never
/// runs an old copy.
enum PythonPluginFile {
    /// Writes `source` as `moduleName.py` under `cacheDirectory` (atomically: workers share the
    /// cache) and returns the directory to put on `PYTHONPATH`.
    static func install(_ source: String, moduleName: String, under cacheDirectory: String) throws -> String {
        let directory = (cacheDirectory as NSString)
            .appendingPathComponent(moduleName.replacing("_", with: "-") + "-" + contentHash(source))
        let file = (directory as NSString).appendingPathComponent(moduleName + ".py")
        if FileManager.default.fileExists(atPath: file) { return directory }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = file + ".\(getpid()).\(UUID().uuidString)"
        try Data(source.utf8).write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, file) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            if !FileManager.default.fileExists(atPath: file) {
                throw ProcessRunnerError("cannot write \(file): \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    /// `text`'s FNV-1a hash in hexadecimal: names a content's version (or a path's place).
    static func contentHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// `line` (a shell command) with `directory` appended to a `PYTHONPATH=…` assignment among its
    /// leading words: `PYTHONPATH=src python -m pytest tests`, `env PYTHONPATH=src pytest`. Such
    /// an assignment replaces the `PYTHONPATH` testfleet gives the process, so pytest could not
    /// import the plugin (every warm session refused; on pytest before 9, every cold run's ids
    /// refused too). Appended, not prepended: the project's own modules keep their precedence.
    /// Any other shape (`export`, `cd … &&`) is returned as it is; the plugin's absence is then
    /// detected and logged where it matters.
    static func command(_ line: String, reaching directory: String) -> String {
        let bytes = Array(line.utf8)
        var i = 0
        func skipBlanks() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        func isName(_ byte: UInt8, first: Bool) -> Bool {
            byte == 0x5F || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (!first && byte >= 0x30 && byte <= 0x39)
        }
        skipBlanks()
        if bytes[i...].starts(with: Array("env".utf8)), i + 3 < bytes.count, bytes[i + 3] == 0x20 || bytes[i + 3] == 0x09 {
            i += 3
            skipBlanks()
        }
        while i < bytes.count, isName(bytes[i], first: true) {
            let nameStart = i
            while i < bytes.count, isName(bytes[i], first: false) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { return line }  // the command word
            let name = bytes[nameStart..<i]
            i += 1
            let valueStart = i
            // The value: one shell word of plain characters, quoted strings and escapes.
            while i < bytes.count, bytes[i] != 0x20, bytes[i] != 0x09 {
                switch bytes[i] {
                case UInt8(ascii: "'"):
                    guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "'")) else { return line }
                    i = close + 1
                case UInt8(ascii: "\""):
                    i += 1
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                    guard i < bytes.count else { return line }
                    i += 1
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "$") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "("):
                    return line  // a command substitution may hold blanks: leave it to the shell
                case UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "<"), UInt8(ascii: ">"),
                     UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "`"):
                    return line  // more than a plain assignment: leave it to the shell
                default: i += 1
                }
            }
            i = min(i, bytes.count)
            if name.elementsEqual("PYTHONPATH".utf8) {
                let added = (i == valueStart ? "" : ":") + PytestNodeIDs.shellQuoted(directory)
                return String(decoding: bytes[..<i], as: UTF8.self) + added + String(decoding: bytes[i...], as: UTF8.self)
            }
            skipBlanks()
        }
        return line
    }

    /// `directory` first on the `PYTHONPATH` the suite or this process gives.
    static func pythonPath(_ directory: String, suite: [String: String], inherited: [String: String]) -> String {
        let rest = suite["PYTHONPATH"] ?? inherited["PYTHONPATH"]
        return directory + (rest.map { $0.isEmpty ? "" : ":" + $0 } ?? "")
    }
}
