/// The sections of an ini file as Python's `configparser` reads pytest.ini, tox.ini and
/// setup.cfg: `[section]` headers, `key = value` or `key: value`, indented continuation lines
/// joined with newlines, `#` and `;` comment lines skipped.
struct INISections {
    private(set) var sections: [String: [String: String]] = [:]

    init(_ text: String) {
        var section: String?
        var key: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine).trimmed
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if let first = rawLine.first, first == " " || first == "\t", let section, let key {
                sections[section]![key]! += "\n" + line
                continue
            }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmed
                sections[section!, default: [:]] = sections[section!] ?? [:]
                key = nil
                continue
            }
            guard let section, let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let name = String(line[..<separator]).trimmed
            sections[section]![name] = String(line[line.index(after: separator)...]).trimmed
            key = name
        }
    }

    subscript(section: String) -> [String: String]? { sections[section] }

    /// A value split on whitespace (pytest's `args` and `linelist` ini types).
    func words(_ section: String, _ key: String) -> [String]? {
        sections[section]?[key].map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }
}
