import Model
/// The graph's JSON form: `{"modules": N, "imports": [["a.b", "c"], …]}` with the
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
