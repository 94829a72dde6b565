import Foundation
import Model

/// A worker's compiled Go test binaries (`go test -c`), one per suite, package and code, kept
/// in the worker's cache directory so that a grant costs one start of the binary instead of a
/// `go test` (package loading, staleness checks and a link: 0.2–1.6 s per package).
///
/// - The code a binary was built from is the build's commit when the grant names one (a
///   checkout does not change), otherwise a fingerprint of every file under the module (size
///   and modification time; hidden folders left out): an edit means a new binary. Dependencies
///   outside the module (the module cache, GOROOT) are covered by `go.sum`/`go.mod` and by the
///   go version in the key, not by the walk.
/// - Files are written under a temporary name and renamed, so the local workers sharing one
///   cache directory never run a half-written binary; at most `keepPerPackage` binaries per
///   suite and package stay (the newest).
/// - Thread-safe: every slot of a worker shares one instance.
public final class GoTestBinaries: @unchecked Sendable {
    /// Where binaries live: `<cache>/go-tests/<suite+package hash>/<code hash>.test`.
    let root: String
    let keepPerPackage = 2
    let runner: ProcessRunner
    /// The worker's log: why a package ran through plain `go test`.
    let log: @Sendable (String) -> Void

    // Guarded by `lock`.
    private let lock = NSLock()
    private var toolchains: [String: Toolchain?] = [:]
    private var fingerprints: [String: String] = [:]
    /// One compile per binary path at a time.
    private let compiling = KeyTurns()

    /// What a go command needs to run binaries the way `go test` does.
    struct Toolchain: Sendable {
        /// `$(go env GOTOOLDIR)/test2json`.
        var test2json: String
        /// `go1.19.8`.
        var version: String
        /// Go 1.20 added `-test.v=test2json` (exact event framing); older test binaries take `-test.v`.
        var verboseFlag: String
    }

    /// A binary ready to run for one package.
    struct Binary: Sendable {
        var path: String
        /// The package's directory: `go test` runs a test binary there.
        var directory: String
        var toolchain: Toolchain
    }

    public init(cacheDirectory: String, runner: ProcessRunner = ProcessRunner(), log: @escaping @Sendable (String) -> Void) {
        root = URL(fileURLWithPath: cacheDirectory).appendingPathComponent("go-tests").path
        self.runner = runner
        self.log = log
    }

    /// The binary of `package` for `suite` at `code` (a commit; nil: fingerprint the module),
    /// compiled now if this cache lacks it. Nil when it cannot be had (no go.mod, a package that
    /// does not compile, no test2json): the caller then runs plain `go test`, which reports
    /// whatever is wrong as it always did. `build` names the build, so the module is walked
    /// once per build and suite rather than once per grant.
    func binary(for package: String, suite: SuiteDefinition, code: String?, build: String, words: [String],
                timeout: Double) -> Binary? {
        guard let module = Self.module(containing: suite.directory),
              let directory = Self.directory(of: package, in: module),
              let toolchain = toolchain(words, suite)
        else { return nil }
        let suiteKey = ([suite.name, suite.directory, words.joined(separator: " "), toolchain.version]
            + suite.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{0}")
        let codeKey = code ?? fingerprint(module.root, suiteKey: suiteKey, build: build)
        let folder = root + "/" + Self.hash(suiteKey + "\u{0}" + package)
        let path = folder + "/" + Self.hash(codeKey) + ".test"
        let binary = Binary(path: path, directory: directory, toolchain: toolchain)
        if FileManager.default.isExecutableFile(atPath: path) { return binary }
        // One compile per binary in this process; another local worker may compile it at the
        // same moment, and the rename makes whichever finishes last win with an equal file.
        return compiling.take(path) {
            if FileManager.default.isExecutableFile(atPath: path) { return binary }
            return compile(package, suite: suite, words: words, folder: folder, path: path, timeout: timeout) ? binary : nil
        }
    }

    private func compile(_ package: String, suite: SuiteDefinition, words: [String], folder: String, path: String,
                         timeout: Double) -> Bool {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let run: ProcessRunner.Run
        do {
            run = try runner.run(.argv(words + ["test", "-c", "-o", temporary, package]), in: suite.directory,
                                 environment: suite.environment, timeout: timeout, outputCap: 16 << 10)
        } catch {
            log("go test -c \(package) could not start (\(error.message)); running it through go test")
            return false
        }
        guard run.succeeded, FileManager.default.isExecutableFile(atPath: temporary) else {
            try? FileManager.default.removeItem(atPath: temporary)
            // A package that does not build: plain `go test` reports its output per test.
            log("go test -c \(package) failed (\(SwiftTestAdapter.describe(run))); running it through go test")
            return false
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            return false
        }
        prune(folder, keeping: path)
        return true
    }

    /// Removes all but the newest `keepPerPackage` binaries in `folder` (always keeping `kept`).
    private func prune(_ folder: String, keeping kept: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let binaries = names.filter { $0.hasSuffix(".test") }.map { folder + "/" + $0 }.filter { $0 != kept }
        let byAge = binaries.sorted { Self.modified($0) > Self.modified($1) }
        for old in byAge.dropFirst(keepPerPackage - 1) { try? FileManager.default.removeItem(atPath: old) }
    }

    private static func modified(_ path: String) -> Double {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    private func fingerprint(_ moduleRoot: String, suiteKey: String, build: String) -> String {
        let memo = suiteKey + "\u{0}" + build
        if let known = lock.withLock({ fingerprints[memo] }) { return known }
        let value = "sources:" + SwiftBuildStamp.sources(of: moduleRoot)
        lock.withLock {
            if fingerprints.count > 64 { fingerprints.removeAll() }
            fingerprints[memo] = value
        }
        return value
    }

    private func toolchain(_ words: [String], _ suite: SuiteDefinition) -> Toolchain? {
        let key = (words + suite.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{0}")
        if let known = lock.withLock({ toolchains[key] }) { return known }
        var found: Toolchain?
        if let run = try? runner.run(.argv(words + ["env", "GOTOOLDIR", "GOVERSION"]), in: suite.directory,
                                     environment: suite.environment, timeout: 60, outputCap: 4096),
           run.succeeded {
            let lines = String(decoding: run.output, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            if lines.count >= 2, FileManager.default.isExecutableFile(atPath: lines[0] + "/test2json") {
                found = Toolchain(test2json: lines[0] + "/test2json", version: lines[1],
                                  verboseFlag: Self.hasTest2JSONFlag(lines[1]) ? "-test.v=test2json" : "-test.v")
            }
        }
        if found == nil { log("no go toolchain with test2json for suite '\(suite.name)'; its packages run through go test") }
        lock.withLock { toolchains[key] = found }
        return found
    }

    /// Whether test binaries of go `version` (`go1.19.8`, `go1.22rc1`, `devel …`) take `-test.v=test2json`.
    static func hasTest2JSONFlag(_ version: String) -> Bool {
        guard version.hasPrefix("go1.") else { return version.hasPrefix("devel") }
        let minor = version.dropFirst(4).prefix { $0.isNumber }
        return (Int(minor) ?? 0) >= 20
    }

    /// The module whose `go.mod` is in `directory` or the nearest folder above it.
    static func module(containing directory: String) -> (root: String, path: String)? {
        var folder = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let file = folder.appendingPathComponent("go.mod").path
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                return modulePath(inGoMod: text).map { (folder.path, $0) }
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// `module example.com/m // comment` or `module "example.com/m"` → `example.com/m`.
    static func modulePath(inGoMod text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.count >= 2, words[0] == "module" else { continue }
            let path = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"`"))
            return path.isEmpty ? nil : path
        }
        return nil
    }

    /// The folder of `package` inside `module`; nil for a package of another module.
    static func directory(of package: String, in module: (root: String, path: String)) -> String? {
        let folder: String
        if package == module.path {
            folder = module.root
        } else if package.hasPrefix(module.path + "/") {
            folder = module.root + "/" + package.dropFirst(module.path.count + 1)
        } else {
            return nil
        }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue ? folder : nil
    }

    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        return String(value, radix: 16)
    }
}
