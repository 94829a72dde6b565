/// A parsed TOML value (the suite file `testfleet.toml`). Tables keep their keys' file order so
/// error messages and suite order follow the file.
public indirect enum TOMLValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times are kept as their text; nothing in testfleet computes with them.
    case datetime(String)
    case array([TOMLValue])
    case table([(key: String, value: TOMLValue)])

    public static func == (lhs: TOMLValue, rhs: TOMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)), (.datetime(let a), .datetime(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.float(let a), .float(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.table(let a), .table(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let s), .datetime(let s): hasher.combine(s)
        case .integer(let i): hasher.combine(i)
        case .float(let d): hasher.combine(d)
        case .boolean(let b): hasher.combine(b)
        case .array(let a): hasher.combine(a)
        case .table(let t):
            for entry in t {
                hasher.combine(entry.key)
                hasher.combine(entry.value)
            }
        }
    }

    /// The value at `key` when this is a table.
    public subscript(key: String) -> TOMLValue? {
        guard case .table(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var intValue: Int? { if case .integer(let i) = self { i } else { nil } }
    /// Integers read as doubles too (`timeout_s = 5` and `timeout_s = 5.0` mean the same).
    public var doubleValue: Double? {
        switch self {
        case .float(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }
    public var boolValue: Bool? { if case .boolean(let b) = self { b } else { nil } }
    public var arrayValue: [TOMLValue]? { if case .array(let a) = self { a } else { nil } }
    public var tableEntries: [(key: String, value: TOMLValue)]? { if case .table(let t) = self { t } else { nil } }

    /// A short name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .datetime: "datetime"
        case .array: "array"
        case .table: "table"
        }
    }
}
