public import Model
import TOMLKit

/// Reads TOML text into the Model's `TOMLValue` (so nothing past this module depends on the TOML
/// library). Errors name the line and column.
public enum TOMLDocument {
    public static func parse(_ text: String, file: String) throws(TestfleetError) -> TOMLValue {
        do {
            return convert(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw TestfleetError.badInput("\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw TestfleetError.badInput("\(file): \(error)")
        }
    }

    static func convert(_ table: TOMLTable) -> TOMLValue {
        .table(table.keys.compactMap { key in table[key].map { (key, convert($0.tomlValue)) } })
    }

    static func convert(_ value: TOMLKit.TOMLValue) -> TOMLValue {
        switch value.type {
        case .table: return value.table.map(convert) ?? .table([])
        case .array:
            let items: [TOMLValue] = value.array.map { $0.map { convert($0.tomlValue) } } ?? []
            return .array(items)
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .float(value.double ?? 0)
        case .bool: return .boolean(value.bool ?? false)
        case .date, .time, .dateTime: return .datetime(value.debugDescription)
        }
    }
}
