import Foundation
public import Model

/// A `testfleet.toml`: one or more `[[suite]]` tables, plus other top-level tables other parts of
/// testfleet read (`[rules]` for selection, `[gate]`).
public struct SuiteFile: Sendable {
    /// Absolute path of the file.
    public var path: String
    public var suites: [SuiteDefinition]
    /// The whole document, for the tables other modules read.
    public var document: TOMLValue
    /// `[workspace] repository`: where workers fetch the build's commit from (nil: the
    /// submitting checkout's `origin`).
    public var repository: String?

    static let suiteKeys: Set = ["name", "adapter", "dir", "command", "timeout_s", "arch", "env", "tests", "output_cap_kb",
                                 "setup", "setup_timeout_s"]

    /// Reads and validates a suite file. Every problem is a bad-input `TestfleetError` that names the file, the
    /// suite and the key.
    public static func load(path: String) throws(TestfleetError) -> SuiteFile {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw TestfleetError.badInput("cannot read suite file '\(path)': no such file or not readable (give a testfleet.toml path or sim:COUNT)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw TestfleetError.badInput("\(path): not UTF-8 text") }
        return try parse(text, path: absolute)
    }

    /// Parses suite-file text; relative `dir`s resolve against the file's folder.
    public static func parse(_ text: String, path: String) throws(TestfleetError) -> SuiteFile {
        let document = try TOMLDocument.parse(text, file: path)
        guard let list = document["suite"]?.arrayValue, !list.isEmpty else {
            throw TestfleetError.badInput("\(path): no [[suite]] tables; add at least one with name and adapter")
        }
        let folder = (path as NSString).deletingLastPathComponent
        var suites: [SuiteDefinition] = []
        var seen: Set<String> = []
        for (position, table) in list.enumerated() {
            let suite = try parseSuite(table, number: position + 1, folder: folder, file: path)
            guard seen.insert(suite.name).inserted else {
                throw TestfleetError.badInput("\(path): suite name '\(suite.name)' is used twice; names must be unique")
            }
            suites.append(suite)
        }
        var file = SuiteFile(path: path, suites: suites, document: document)
        if let workspace = document["workspace"] {
            guard workspace.tableEntries != nil else { throw TestfleetError.badInput("\(path): [workspace] must be a table") }
            if let value = workspace["repository"] {
                guard let text = value.stringValue, !text.isEmpty else {
                    throw TestfleetError.badInput("\(path): [workspace] 'repository' must be a non-empty string (a git URL or path)")
                }
                file.repository = text
            }
        }
        return file
    }

    static func parseSuite(_ table: TOMLValue, number: Int, folder: String, file: String) throws(TestfleetError) -> SuiteDefinition {
        guard let entries = table.tableEntries else { throw TestfleetError.badInput("\(file): suite #\(number) is not a table") }
        let label = table["name"]?.stringValue.map { "suite '\($0)'" } ?? "suite #\(number)"
        func fail(_ message: String) -> TestfleetError { TestfleetError.badInput("\(file): \(label): \(message)") }
        for (key, _) in entries where !suiteKeys.contains(key) {
            throw fail("unknown key '\(key)' (known: \(suiteKeys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws(TestfleetError) -> String? {
            guard let value = table[key] else { return nil }
            guard let text = value.stringValue else { throw fail("'\(key)' must be a string, not a \(value.typeName)") }
            return text
        }
        guard let name = try string("name"), !name.isEmpty else { throw fail("'name' is required") }
        guard let adapterText = try string("adapter") else {
            throw fail("'adapter' is required (pytest, swift, go or shell)")
        }
        guard let adapter = AdapterKind(rawValue: adapterText), adapter != .simulated else {
            throw fail("unknown adapter '\(adapterText)' (pytest, swift, go or shell; simulated suites are sim:COUNT specs)")
        }
        let dirText = try string("dir") ?? "."
        let directory = dirText.hasPrefix("/") ? dirText : URL(fileURLWithPath: folder).appendingPathComponent(dirText).standardizedFileURL.path
        var suite = SuiteDefinition(name: name, adapter: adapter, directory: directory, command: try string("command"))
        if let value = table["timeout_s"] {
            guard let seconds = value.doubleValue, seconds > 0, seconds <= 86_400 else {
                throw fail("'timeout_s' must be a number of seconds from 0 to 86400")
            }
            suite.timeout = seconds
        }
        if let archText = try string("arch") {
            guard let arch = ArchRequirement(parsing: archText) else {
                throw fail("'arch' must be any, every, x86_64 or aarch64, not '\(archText)'")
            }
            suite.arch = arch
        }
        if let value = table["env"] {
            guard let env = value.tableEntries else { throw fail("'env' must be a table of strings") }
            for (key, item) in env {
                guard let text = item.stringValue ?? item.intValue.map(String.init) else {
                    throw fail("env '\(key)' must be a string")
                }
                suite.environment[key] = text
            }
        }
        if let value = table["output_cap_kb"] {
            guard let kb = value.intValue, kb >= 1, kb <= 1 << 20 else { throw fail("'output_cap_kb' must be 1 to 1048576") }
            suite.outputCap = kb * 1024
        }
        suite.setup = try string("setup")
        if let value = table["setup_timeout_s"] {
            guard let seconds = value.doubleValue, seconds > 0, seconds <= 86_400 else {
                throw fail("'setup_timeout_s' must be a number of seconds from 0 to 86400")
            }
            suite.setupTimeout = seconds
        }
        if let value = table["tests"] {
            guard adapter == .shell else { throw fail("'tests' lists commands for the shell adapter only") }
            suite.shellTests = try shellTests(value, fail: fail)
        } else if adapter == .shell {
            throw fail("a shell suite needs 'tests': a table of name = \"command\"")
        }
        return suite
    }

    static func shellTests(_ value: TOMLValue, fail: (String) -> TestfleetError) throws(TestfleetError) -> [ShellTest] {
        var tests: [ShellTest] = []
        if let entries = value.tableEntries {
            for (name, command) in entries {
                guard let text = command.stringValue else { throw fail("test '\(name)' must be a command string") }
                tests.append(ShellTest(name: name, command: text))
            }
        } else if let list = value.arrayValue {
            for item in list {
                guard let name = item["name"]?.stringValue, let command = item["command"]?.stringValue else {
                    throw fail("each test needs a name and a command")
                }
                tests.append(ShellTest(name: name, command: command))
            }
        } else {
            throw fail("'tests' must be a table of name = \"command\" or an array of {name, command}")
        }
        guard !tests.isEmpty else { throw fail("'tests' is empty") }
        return tests
    }
}
