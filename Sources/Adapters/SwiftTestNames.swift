import Foundation

/// The pure text work of the swift test adapter: reading `swift test list`, building the
/// `--filter` regex for a batch, and reading XCTest's console lines. Kept apart from the process
/// handling so it can be tested on captured output without a toolchain.
///
/// Test names are exactly what `swift test list` prints on Swift 6.3.1:
/// - XCTest: `Module.Class/testMethod`
/// - Swift Testing: `Module.Suite/test()`, `Module.Outer/Inner/test(value:)`, and for a test
///   outside any suite `Module.test()`. A Swift Testing name always ends in `)`; an XCTest name
///   never does, which is how the two are told apart.
enum SwiftTestNames {
    /// The test names in `swift test list` output (stdout), in order, without duplicates. Lines
    /// that are not test names (build progress if it got mixed in, blank lines) are skipped.
    static func parseList(_ text: String) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard isTestName(line), seen.insert(line).inserted else { continue }
            names.append(line)
        }
        return names
    }

    /// Whether `line` has the shape of a listed test: `Module.` followed by a class or suite
    /// path, no spaces outside a raw (backticked) identifier, no build-log prefix.
    static func isTestName(_ line: String) -> Bool {
        guard let dot = line.firstIndex(of: "."), dot != line.startIndex else { return false }
        let module = line[..<dot]
        guard module.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return false }
        let rest = line[line.index(after: dot)...]
        guard !rest.isEmpty else { return false }
        if isSwiftTesting(line) { return true }
        // XCTest: exactly `Class/method`, both identifiers.
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
    }

    /// Swift Testing names end in the function's argument list.
    static func isSwiftTesting(_ name: String) -> Bool { name.hasSuffix(")") }

    /// The module of a listed name (`Module` of `Module.Class/test`).
    static func module(of name: String) -> Substring {
        name.firstIndex(of: ".").map { name[..<$0] } ?? Substring(name)
    }

    /// The name XCTest prints on Linux for `Module.Class/test`: `Class.test`. Nil for a name
    /// that is not an XCTest name.
    static func xctestConsoleKey(of name: String) -> String? {
        guard !isSwiftTesting(name), let dot = name.firstIndex(of: ".") else { return nil }
        return name[name.index(after: dot)...].replacingOccurrences(of: "/", with: ".")
    }

    /// The key a Swift Testing xUnit `<testcase>` maps to: `classname.name`. The listed name
    /// `Module.Outer/Inner/test()` has the same key once its slashes become dots, and so does
    /// `Module.test()` (classname `Module`).
    static func swiftTestingKey(of name: String) -> String {
        name.replacingOccurrences(of: "/", with: ".")
    }

    /// One `--filter` regex selecting exactly `names`: `^(A|B)(/|$)`, where tests of one class or
    /// suite share their prefix (`Module\.Class/(a|b)`) to keep the regex short. The `(/|$)` tail
    /// is needed because SwiftPM matches XCTest names as listed but Swift Testing IDs carry a
    /// source location after the name (`Module.Suite/test()/File.swift:10:6`), so a bare `$`
    /// would select no Swift Testing test.
    static func filterRegex(for names: [String]) -> String {
        var groups: [(prefix: String, leaves: [String])] = []
        var index: [String: Int] = [:]
        for name in names {
            let (prefix, leaf) = splitLeaf(name)
            if let at = index[prefix] {
                groups[at].leaves.append(leaf)
            } else {
                index[prefix] = groups.count
                groups.append((prefix, [leaf]))
            }
        }
        let alternatives = groups.map { group -> String in
            let leaves = group.leaves.map(escape)
            let body = leaves.count == 1 ? leaves[0] : "(" + leaves.joined(separator: "|") + ")"
            return group.prefix.isEmpty ? body : escape(group.prefix) + "/" + body
        }
        return "^(" + alternatives.joined(separator: "|") + ")(/|$)"
    }

    /// Splits `Module.Class/test` into (`Module.Class`, `test`); a name without `/`
    /// (`Module.test()`) has an empty prefix.
    private static func splitLeaf(_ name: String) -> (String, String) {
        // The last `/` outside the argument list: argument labels never contain `/`, but a raw
        // identifier could, so search only before the `(`.
        let head = name.firstIndex(of: "(").map { name[..<$0] } ?? Substring(name)
        guard let slash = head.lastIndex(of: "/") else { return ("", name) }
        return (String(name[..<slash]), String(name[name.index(after: slash)...]))
    }

    /// Escapes every regex metacharacter (ICU and Swift Regex agree on backslash escapes).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count + 8)
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Splits `names` into runs whose filter regexes stay under `maxRegexLength` characters, so
    /// one huge batch never exceeds the kernel's per-argument limit (128 KiB).
    static func chunks(of names: [String], maxRegexLength: Int = 60_000) -> [[String]] {
        var result: [[String]] = []
        var current: [String] = []
        var length = 0
        for name in names {
            let cost = escape(name).utf8.count + 1
            if !current.isEmpty && length + cost > maxRegexLength {
                result.append(current)
                current = []
                length = 0
            }
            current.append(name)
            length += cost
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
