import Store

/// import-linter's report (`lint-imports`, import-linter 2.x):
///
///     Layered architecture BROKEN
///     Web does not import db KEPT
///
///     Contracts: 1 kept, 1 broken.
///     ----------------
///     Broken contracts
///     ----------------
///
///     Layered architecture
///     --------------------
///
///     shop.db is not allowed to import shop.domain:
///
///     - shop.db.tables -> shop.util.helpers (l.1)
///       shop.util.helpers -> shop.domain.models (l.1)
///
/// Each import chain (a `- ` line and its indented continuation lines) is one finding: its code
/// is the broken contract's name, its path the importing module, its line the first line number,
/// its message the rule and the whole chain. The counts line must agree with the sections.
enum ImportLinterReport {
    /// Whether `text` is import-linter's report: it has the counts line.
    static func isReport(_ text: String) -> Bool {
        text.split(whereSeparator: \.isNewline).contains { countsLine($0) != nil }
    }

    /// `Contracts: 1 kept, 2 broken.` → (1, 2).
    static func countsLine(_ line: Substring) -> (kept: Int, broken: Int)? {
        let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard words.count == 5, words[0] == "Contracts:", words[2] == "kept,", words[4] == "broken.",
              let kept = Int(words[1]), let broken = Int(words[3]) else { return nil }
        return (kept, broken)
    }

    static func parse(_ text: String) throws(LintReportParser.BadReport) -> LintReportParser.Parsed {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        func bad(_ index: Int, _ why: String) -> LintReportParser.BadReport {
            LintReportParser.BadReport(description: "line \(index + 1) of the import-linter report: \(why): '\(lines[index].prefix(200))'")
        }
        var counts: (kept: Int, broken: Int)?
        var brokenListed: [String] = []
        var inBrokenSection = false
        var contract: String?
        var rule: String?
        var chain: [String] = []
        var chainStart = 0
        var parsed = LintReportParser.Parsed()
        var contractsWithFindings = Set<String>()

        func endChain() throws(LintReportParser.BadReport) {
            guard !chain.isEmpty else { return }
            defer { chain = [] }
            guard let contract else { throw bad(chainStart, "an import chain outside a broken contract's section") }
            let first = chain[0]
            guard let arrow = first.range(of: " -> ") else { throw bad(chainStart, "an import chain without 'a -> b'") }
            let importer = String(first[..<arrow.lowerBound]).trimmingCharacters(in: .whitespaces)
            var lineNumber = 0
            if let open = first.range(of: "(l.") {
                lineNumber = Int(first[open.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            let message = (rule.map { $0 + ": " } ?? "") + chain.joined(separator: "; ")
            parsed.violations.append(LintViolation(path: importer, line: lineNumber, column: 0, code: contract, message: message))
            contractsWithFindings.insert(contract)
        }

        var index = 0
        while index < lines.count {
            let line = lines[index]
            let text = line.trimmingCharacters(in: .whitespaces)
            let underline = index + 1 < lines.count && isRule(lines[index + 1]) && !text.isEmpty
            if let found = countsLine(line) {
                counts = found
            } else if text == "Broken contracts" && underline {
                inBrokenSection = true
                index += 1
            } else if !inBrokenSection {
                // The summary: "NAME KEPT" / "NAME BROKEN"; banner, headers and timings are free text.
                if text.hasSuffix(" BROKEN") { brokenListed.append(String(text.dropLast(7))) }
            } else if underline {
                try endChain()
                guard brokenListed.contains(text) else { throw bad(index, "a section for a contract the summary does not list as broken") }
                contract = text
                rule = nil
                index += 1
            } else if text.isEmpty {
                try endChain()
            } else if line.hasPrefix("- ") {
                try endChain()
                chain = [String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)]
                chainStart = index
            } else if line.hasPrefix(" "), !chain.isEmpty {
                chain.append(text)
            } else if contract != nil, text.hasSuffix(":") {
                try endChain()
                rule = String(text.dropLast())
            } else if contract != nil {
                // Other contract types explain themselves in prose (e.g. "No matches for ignored import").
                try endChain()
                rule = text
            } else {
                throw bad(index, "text in the broken contracts section before any contract")
            }
            index += 1
        }
        try endChain()
        guard let counts else {
            throw LintReportParser.BadReport(description: "the import-linter report has no 'Contracts: N kept, M broken.' line")
        }
        guard brokenListed.count == counts.broken else {
            throw LintReportParser.BadReport(description: "the import-linter report says \(counts.broken) broken contract(s) but lists \(brokenListed.count) as BROKEN")
        }
        if let silent = brokenListed.first(where: { !contractsWithFindings.contains($0) }) {
            throw LintReportParser.BadReport(description: "the import-linter report lists contract '\(silent)' as broken but shows no import chain for it")
        }
        return parsed
    }

    /// A line of dashes under a heading.
    static func isRule(_ line: Substring) -> Bool {
        let text = line.trimmingCharacters(in: .whitespaces)
        return text.count >= 3 && text.allSatisfy { $0 == "-" }
    }
}
