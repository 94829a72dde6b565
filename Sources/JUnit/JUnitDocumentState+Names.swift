/// Byte-level name matching, so the hot loop never builds a String for an element or attribute
/// name it does not keep.
extension JUnitDocumentState {
    enum AttributeName { case name, classname, time, file, other }

    static func classify(_ name: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        switch name.count {
        case 5: if equals(name, "error", bytes) { return .error }
        case 7:
            if equals(name, "failure", bytes) { return .failure }
            if equals(name, "skipped", bytes) { return .skipped }
        case 8: if equals(name, "testcase", bytes) { return .testcase }
        case 9: if equals(name, "testsuite", bytes) { return .testsuite }
        case 10:
            if equals(name, "testsuites", bytes) { return .testsuites }
            if equals(name, "system-out", bytes) { return .systemOut }
            if equals(name, "system-err", bytes) { return .systemErr }
            if equals(name, "rerunError", bytes) { return .rerunError }
            if equals(name, "flakyError", bytes) { return .flakyError }
        case 12:
            if equals(name, "rerunFailure", bytes) { return .rerunFailure }
            if equals(name, "flakyFailure", bytes) { return .flakyFailure }
        default: break
        }
        return .other
    }

    static func attributeName(_ name: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> AttributeName {
        switch name.count {
        case 4:
            if equals(name, "name", bytes) { return .name }
            if equals(name, "time", bytes) { return .time }
            if equals(name, "file", bytes) { return .file }
        case 9: if equals(name, "classname", bytes) { return .classname }
        default: break
        }
        return .other
    }

    static func equals(_ range: Range<Int>, _ word: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let start = word.utf8Start
        for index in 0..<range.count where bytes[range.lowerBound + index] != start[index] { return false }
        return true
    }

    static func same(_ a: Range<Int>, _ b: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where bytes[a.lowerBound + index] != bytes[b.lowerBound + index] { return false }
        return true
    }
}
