/// A hand-written scanner that finds the import statements of Python source text without
/// building a syntax tree.
///
/// It tokenizes just enough to be right about where statements start: strings (every prefix,
/// triple-quoted, f-strings with nested expressions), comments, bracket depth and backslash
/// continuations. An `import` or `from` keyword at the start of a statement (after a newline
/// outside brackets, a `;`, or a `:` such as in `if TYPE_CHECKING: import x`) begins an import
/// statement; imports nested in functions, classes and `if` blocks are found because indentation
/// does not matter here. Text inside strings, docstrings and comments is never read as code.
public struct PythonImportScanner: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var line = 1
    var result = PythonSourceImports()

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Scans UTF-8 source bytes.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> PythonSourceImports {
        var scanner = PythonImportScanner(bytes: bytes)
        scanner.scanModule()
        return scanner.result
    }

    /// Scans source text.
    public static func scan(_ source: String) -> PythonSourceImports {
        var text = source
        return text.withUTF8 { scan($0) }
    }

    // MARK: - Module level

    private mutating func scanModule() {
        // A UTF-8 byte-order mark is not part of the first statement.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var atStatementStart = true
        var depth = 0
        var previousWordWasDef = false
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case .space, .tab, .formFeed:
                index += 1
            case .newline:
                line += 1
                index += 1
                if depth == 0 { atStatementStart = true }
            case .carriageReturn:
                index += 1
                if index < count, bytes[index] == .newline { continue }
                line += 1
                if depth == 0 { atStatementStart = true }
            case .hash:
                skipComment()
            case .backslash:
                index += 1
                skipLineBreak()
            case .doubleQuote, .singleQuote:
                skipString(isFormatted: false)
                atStatementStart = false
                previousWordWasDef = false
            case .openParen, .openBracket, .openBrace:
                depth += 1
                index += 1
                atStatementStart = false
            case .closeParen, .closeBracket, .closeBrace:
                if depth > 0 { depth -= 1 }
                index += 1
                atStatementStart = false
            case .semicolon, .colon:
                index += 1
                if depth == 0 {
                    // `x := 1` outside brackets is not valid Python, so a colon at depth 0 ends a
                    // compound statement header (`if TYPE_CHECKING:`) or a lambda/annotation, after
                    // which `import` can only be a statement.
                    atStatementStart = true
                } else {
                    atStatementStart = false
                }
            default:
                if byte.isIdentifierStart {
                    let start = index
                    skipIdentifier()
                    if index < count, bytes[index] == .doubleQuote || bytes[index] == .singleQuote,
                        let formatted = stringPrefixIsFormatted(start, index)
                    {
                        skipString(isFormatted: formatted)
                        atStatementStart = false
                        previousWordWasDef = false
                        continue
                    }
                    if atStatementStart, matches(start, "import") {
                        scanImportStatement()
                    } else if atStatementStart, matches(start, "from") {
                        scanFromStatement()
                    } else if atStatementStart, matches(start, "pytest_plugins") {
                        scanPytestPlugins()
                    } else if !previousWordWasDef, matches(start, "import_module") || matches(start, "__import__") {
                        scanDynamicImport()
                    }
                    previousWordWasDef = matches(start, "def")
                    atStatementStart = false
                } else if byte.isDigit {
                    // Numbers such as `1if x else y` or `0x1F`: skip them whole so their letters
                    // are not read as words.
                    while index < count, bytes[index].isIdentifierContinue || bytes[index] == .dot { index += 1 }
                    atStatementStart = false
                } else {
                    index += 1
                    atStatementStart = false
                    previousWordWasDef = false
                }
            }
        }
    }

    // MARK: - Import statements

    /// After the `import` keyword: `a.b [as c], d …`.
    private mutating func scanImportStatement() {
        let statementLine = line
        while true {
            skipSpace(insideBrackets: false)
            guard let module = readDottedName() else { return }
            result.imports.append(PythonImport(kind: .plain, module: module, line: statementLine))
            skipSpace(insideBrackets: false)
            if peekWord("as") {
                index += 2
                skipSpace(insideBrackets: false)
                _ = readIdentifier()
                skipSpace(insideBrackets: false)
            }
            guard index < bytes.count, bytes[index] == .comma else { return }
            index += 1
        }
    }

    /// After the `from` keyword: `.. pkg.mod import (a as b, c)` or `… import *`.
    private mutating func scanFromStatement() {
        let statementLine = line
        var level = 0
        while true {
            skipSpace(insideBrackets: false)
            guard index < bytes.count, bytes[index] == .dot else { break }
            level += 1
            index += 1
        }
        var module = ""
        if !peekWord("import") {
            guard let name = readDottedName() else { return }
            module = name
            skipSpace(insideBrackets: false)
        }
        guard peekWord("import") else { return }
        index += 6
        skipSpace(insideBrackets: false)
        var insideBrackets = false
        if index < bytes.count, bytes[index] == .openParen {
            insideBrackets = true
            index += 1
        }
        while true {
            skipSpace(insideBrackets: insideBrackets)
            guard index < bytes.count else { return }
            if bytes[index] == .star {
                index += 1
                result.imports.append(
                    PythonImport(kind: .from, level: level, module: module, name: "*", line: statementLine))
            } else if let name = readIdentifier() {
                result.imports.append(
                    PythonImport(kind: .from, level: level, module: module, name: name, line: statementLine))
                skipSpace(insideBrackets: insideBrackets)
                if peekWord("as") {
                    index += 2
                    skipSpace(insideBrackets: insideBrackets)
                    _ = readIdentifier()
                }
            } else {
                break
            }
            skipSpace(insideBrackets: insideBrackets)
            guard index < bytes.count, bytes[index] == .comma else { break }
            index += 1
        }
        if insideBrackets {
            skipSpace(insideBrackets: true)
            if index < bytes.count, bytes[index] == .closeParen { index += 1 }
        }
    }

    /// At a name `import_module` or `__import__` (the scan position is just after it). Looks ahead
    /// without consuming: the main loop still tokenizes the call's brackets and strings.
    private mutating func scanDynamicImport() {
        let statementLine = line
        let saved = (index, line)
        defer { (index, line) = saved }
        skipSpace(insideBrackets: false)
        guard index < bytes.count, bytes[index] == .openParen else {
            // A reference that is not a call (`load = importlib.import_module`) can be called with
            // anything later on.
            result.dynamicImportLines.append(statementLine)
            return
        }
        index += 1
        skipSpace(insideBrackets: true)
        if let literal = readPlainStringLiteral(), let (level, module) = Self.splitRelative(literal) {
            skipSpace(insideBrackets: true)
            guard index < bytes.count, bytes[index] == .comma || bytes[index] == .closeParen else {
                result.dynamicImportLines.append(statementLine)
                return
            }
            if level == 0 || bytes[index] == .closeParen {
                // An absolute name; a relative one without a package fails at run time anyway.
                if level == 0 {
                    result.imports.append(PythonImport(kind: .dynamicLiteral, module: module, line: statementLine))
                }
                return
            }
            // Relative: the anchor package is the second argument.
            index += 1
            skipSpace(insideBrackets: true)
            if let anchor = readPlainStringLiteral(), let (anchorLevel, package) = Self.splitRelative(anchor), anchorLevel == 0 {
                let parts = package.split(separator: ".")
                if level - 1 < parts.count {
                    let base = parts.dropLast(level - 1).joined(separator: ".")
                    result.imports.append(
                        PythonImport(kind: .dynamicLiteral, module: base + "." + module, line: statementLine))
                    return
                }
            } else if peekWord("__package__") {
                // The same anchor a `from .x import …` statement in this file uses.
                result.imports.append(
                    PythonImport(kind: .dynamicLiteral, level: level, module: module, line: statementLine))
                return
            } else if peekWord("__name__") {
                result.imports.append(
                    PythonImport(
                        kind: .dynamicLiteral, level: level, module: module, anchoredAtModuleName: true,
                        line: statementLine))
                return
            }
        }
        result.dynamicImportLines.append(statementLine)
    }

    /// `"..pkg.mod"` → (2, "pkg.mod"); nil unless the text is a dotted identifier path.
    private static func splitRelative(_ text: String) -> (Int, String)? {
        let level = text.prefix { $0 == "." }.count
        let rest = text.dropFirst(level)
        guard !rest.isEmpty else { return nil }
        for part in rest.split(separator: ".", omittingEmptySubsequences: false) {
            guard let first = part.utf8.first, first.isIdentifierStart,
                part.utf8.allSatisfy(\.isIdentifierContinue)
            else { return nil }
        }
        return (level, String(rest))
    }
}
