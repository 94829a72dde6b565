import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the small xUnit file Swift Testing writes for `swift test --xunit-output FILE` (as
/// `FILE-swift-testing.xml` next to it on Swift 6.x):
///
///     <testcase classname="ArithmeticTests.DoublingTests" name="deliberateFailure()" time="0.0006" >
///       <failure message="Expectation failed: (double(2) → 4) == 5 (error): …" />
///     </testcase>
///     <testcase classname="ArithmeticTests" name="disabledOnPurpose()" >
///       <skipped>skipped on purpose by the fixture</skipped>
///     </testcase>
///
/// Only what the adapter needs: each testcase's key, time, failure and skip texts.
/// TODO(testfleet): switch to the JUnit module's parser once it lands.
enum SwiftXUnitReader {
    struct Case: Sendable, Hashable {
        var classname: String
        var name: String
        var time: Double?
        /// `message` attributes and texts of `<failure>` and `<error>` children.
        var failures: [String]
        /// The text of `<skipped>`, when present.
        var skipped: String?

        /// `classname.name`, comparable with `SwiftTestNames.swiftTestingKey(of:)`.
        var key: String { classname.isEmpty ? name : classname + "." + name }
    }

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The testcases of the file at `path`.
    static func read(path: String) throws -> [Case] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read '\(path)'")
        }
        return try parse(data)
    }

    /// The testcases of an xUnit document.
    static func parse(_ data: Data) throws -> [Case] {
        let collector = Collector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        // corelibs-foundation's parse() returns true after some errors (a mismatched end tag), so
        // the error the delegate saw decides too.
        guard parser.parse(), parser.parserError == nil, collector.error == nil else {
            let reason = (parser.parserError ?? collector.error).map { "\($0)" } ?? "unknown error"
            throw ReadError(description: "malformed xUnit XML at line \(parser.lineNumber): \(reason)")
        }
        return collector.cases
    }

    /// The delegate; used by one parse on one thread only.
    private final class Collector: NSObject, XMLParserDelegate {
        var cases: [Case] = []
        var error: (any Error)?
        private var current: Case?
        /// The child element whose text is being collected (`failure`, `error`, `skipped`).
        private var child: String?
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "testcase":
                current = Case(
                    classname: attributes["classname"] ?? "", name: attributes["name"] ?? "",
                    time: attributes["time"].flatMap(Double.init), failures: [], skipped: nil)
            case "failure", "error", "skipped":
                guard current != nil else { return }
                child = element
                text = attributes["message"] ?? ""
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if error == nil { error = parseError }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if child != nil { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "testcase":
                if let current { cases.append(current) }
                current = nil
            case "failure", "error":
                if child == element { current?.failures.append(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
                child = nil
            case "skipped":
                if child == element { current?.skipped = text.trimmingCharacters(in: .whitespacesAndNewlines) }
                child = nil
            default:
                break
            }
        }
    }
}
