public import Model
public import Selection

extension ImpactRules {
    /// The keys `[rules]` understands, for error messages.
    static let knownKeys = ["force_full_run", "always_run", "paths", "high_watermark", "python_test_files"]

    /// Reads the `[rules]` table of a suite file (see the type's documentation for the keys).
    /// Unknown keys and wrongly typed values are errors, so a typo cannot silently weaken a rule.
    public init(toml: TOMLValue) throws(TestfleetError) {
        guard let entries = toml.tableEntries else {
            throw TestfleetError.badInput("[rules] must be a table, not a \(toml.typeName)")
        }
        self.init()
        for (key, value) in entries {
            switch key {
            case "force_full_run":
                forceFullRun += try Self.strings(value, key: key).map { (text) throws(TestfleetError) in try PathGlob(text) }
            case "high_watermark":
                guard let path = value.stringValue else {
                    throw TestfleetError.badInput("[rules] high_watermark must be a path string, not a \(value.typeName)")
                }
                forceFullRun.append(try PathGlob(path))
                highWatermark = path
            case "always_run":
                alwaysRun = try Self.strings(value, key: key).map { (text) throws(TestfleetError) in try TestReference(text) }
            case "python_test_files":
                let patterns = try Self.strings(value, key: key)
                guard !patterns.isEmpty else {
                    throw TestfleetError.badInput("[rules] python_test_files is empty; leave it out for pytest's default test_*.py, *_test.py")
                }
                pythonTestFiles = try patterns.map { (text) throws(TestfleetError) in try PathGlob(text) }
            case "paths":
                guard let table = value.tableEntries else {
                    throw TestfleetError.badInput("[rules.paths] must be a table of \"glob\" = [tests…], not a \(value.typeName)")
                }
                for (glob, targets) in table {
                    let references = try Self.strings(targets, key: "paths.\"\(glob)\"")
                        .map { (text) throws(TestfleetError) in try TestReference(text) }
                    paths.append(PathRule(glob: try PathGlob(glob), targets: references))
                }
            default:
                throw TestfleetError.badInput(
                    "unknown key '\(key)' in [rules]; known keys: \(Self.knownKeys.joined(separator: ", "))")
            }
        }
    }

    /// The rules of a whole suite-file document: its `[rules]` table, or the defaults when it
    /// has none.
    public init(document: TOMLValue) throws(TestfleetError) {
        if let rules = document["rules"] {
            try self.init(toml: rules)
        } else {
            self.init()
        }
    }

    /// A string or an array of strings.
    private static func strings(_ value: TOMLValue, key: String) throws(TestfleetError) -> [String] {
        if let single = value.stringValue { return [single] }
        guard let array = value.arrayValue else {
            throw TestfleetError.badInput("[rules] \(key) must be a string or an array of strings, not a \(value.typeName)")
        }
        var result: [String] = []
        for element in array {
            guard let text = element.stringValue else {
                throw TestfleetError.badInput("[rules] \(key) must hold strings; found a \(element.typeName)")
            }
            result.append(text)
        }
        return result
    }
}
