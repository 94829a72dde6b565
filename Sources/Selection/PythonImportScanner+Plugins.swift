/// `pytest_plugins = [...]`: pytest imports each named module before collecting, so the names
/// are imports of the file that declares them.
extension PythonImportScanner {
    /// At the name `pytest_plugins` at the start of a statement (the scan position just after
    /// it). Looks ahead without consuming: the main loop still tokenizes what follows. A list,
    /// tuple or single string of plain literals becomes imports; anything else (a computed list)
    /// is a dynamic import of unknown target.
    mutating func scanPytestPlugins() {
        let statementLine = line
        let saved = (index, line)
        defer { (index, line) = saved }
        skipSpace(insideBrackets: false)
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "="),
            index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "=")
        else { return }  // a use of the name, not an assignment
        index += 1
        skipSpace(insideBrackets: false)
        guard index < bytes.count else { return }
        if let single = readPlainStringLiteral() {
            addPlugin(single, line: statementLine)
            return
        }
        guard bytes[index] == .openBracket || bytes[index] == .openParen else {
            result.dynamicImportLines.append(statementLine)
            return
        }
        let close: UInt8 = bytes[index] == .openBracket ? .closeBracket : .closeParen
        index += 1
        while true {
            skipSpace(insideBrackets: true)
            guard index < bytes.count else { return }
            if bytes[index] == close { return }
            guard let name = readPlainStringLiteral() else {
                result.dynamicImportLines.append(statementLine)
                return
            }
            addPlugin(name, line: statementLine)
            skipSpace(insideBrackets: true)
            if index < bytes.count, bytes[index] == .comma { index += 1 }
        }
    }

    private mutating func addPlugin(_ name: String, line: Int) {
        result.imports.append(PythonImport(kind: .dynamicLiteral, module: name, line: line))
    }
}
