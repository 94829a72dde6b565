/// Defaults for what planning asks of a framework: no typical duration of its own, no cached
/// test list, no grouping by file. An adapter that knows better says so in its own file.
extension TestAdapter {
    public var typicalTestSeconds: Double? { nil }
    public var inventoryFileExtensions: Set<String>? { nil }
    public var fileCollectionSeconds: Double? { nil }
    public var testOverheadSeconds: Double { 0 }
}
