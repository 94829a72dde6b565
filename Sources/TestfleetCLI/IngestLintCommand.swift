import ArgumentParser
import Foundation
import Model
import Store

/// `testfleet ingest lint --tool NAME FILE`: record a linter's or import checker's findings.
struct IngestLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Record lint/import-rule violations from a report file (compiler-style lines, import-linter's report, or ruff JSON).",
        discussion: """
            Text reports: one `path:line[:col]: CODE message` per line (flake8, ruff --output-format concise, \
            pylint parseable); mypy (`path:line: error: message  [code]`) and SwiftLint \
            (`path:line:col: warning: message (rule_id)`) keep their rule codes. import-linter: the report \
            `lint-imports` prints (each broken import chain is one finding, coded by its contract's name). \
            JSON: ruff --output-format json. For mypy, swiftlint and import-linter a line that is not theirs \
            is an error (exit 2, naming the line); other tools' stray lines are skipped and counted. \
            Prints the count per code.
            """)

    @Option(help: "The tool that wrote the report (e.g. ruff, flake8, import-linter).")
    var tool: String

    @Argument(help: "The report file ('-' reads standard input).")
    var file: String

    @Option(help: "The commit the findings are for.")
    var commit: String?

    @Option(help: "The build the findings belong to.")
    var build: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard !tool.isEmpty else { throw ValidationError("--tool must not be empty") }
    }

    func run() throws {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw TestfleetError.badInput("cannot read the lint report '\(file)'")
            }
            data = contents
        }
        let parsed: LintReportParser.Parsed
        do { parsed = try LintReportParser.parse(String(decoding: data, as: UTF8.self), tool: tool) } catch {
            throw TestfleetError.badInput("\(file): \(error)")
        }
        let cleanImportReport = ImportLinterReport.isReport(String(decoding: data, as: UTF8.self))
        if parsed.violations.isEmpty && parsed.skippedLines > 0 && !cleanImportReport {
            throw TestfleetError.badInput("\(file): none of its \(parsed.skippedLines) line(s) is a `path:line[:col]: CODE message` finding; nothing recorded")
        }
        let store = try self.store.open()
        do { try store.recordLint(parsed.violations, tool: tool, build: build, commit: commit) } catch {
            throw TestfleetError.infrastructure(error.description)
        }
        var perCode: [String: Int] = [:]
        for violation in parsed.violations { perCode[violation.code.isEmpty ? "(no code)" : violation.code, default: 0] += 1 }
        print("recorded \(parsed.violations.count) \(tool) violation(s) from \(file)"
            + (parsed.skippedLines > 0 ? " (\(parsed.skippedLines) other line(s) skipped)" : ""))
        for (code, count) in perCode.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            print("  \(code): \(count)")
        }
    }
}
