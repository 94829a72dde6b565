/// The graph's JSON form (DESIGN.md): `{"modules": N, "imports": [["a.b", "c"], …]}` with the
/// edges sorted, so outside tools can compare it with grimp's.
extension PythonImportGraph {
    public var jsonText: String {
        var text = "{\"modules\": \(modules.count), \"imports\": ["
        var first = true
        for edge in edges {
            if !first { text += ", " }
            first = false
            text += "[" + JSONText.quoted(edge.importer) + ", " + JSONText.quoted(edge.imported) + "]"
        }
        text += "]}"
        return text
    }
}

/// Minimal JSON string quoting for the few hand-written JSON outputs of impact selection.
public enum JSONText {
    /// `value` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
