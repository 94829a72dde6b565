public import Model

/// How a testfleet test name becomes JUnit's `classname` and `name`, the way each framework's
/// own JUnit output names it, so CI systems (GitLab, Jenkins, CircleCI) group tests as they
/// would for that framework:
///
/// | adapter | test name | classname | name |
/// |---|---|---|---|
/// | pytest | `tests/api/test_cart.py::TestTotal::test_sum[a-1]` | `tests.api.test_cart.TestTotal` | `test_sum[a-1]` |
/// | swift (XCTest) | `CartTests.TotalTests/testSum` | `CartTests.TotalTests` | `testSum` |
/// | swift (Swift Testing) | `CartTests.Outer/Inner/sum(value:)` | `CartTests.Outer.Inner` | `sum(value:)` |
/// | swift (free test function) | `CartTests.sum()` | `CartTests` | `sum()` |
/// | go | `example.com/shop/cart.TestSum` | `example.com/shop/cart` | `TestSum` |
/// | shell | `api-up` | the suite's name | `api-up` |
/// | simulated | `sim::t000042` | `sim` | `t000042` |
/// | ingested JUnit (no adapter) | `classname::name` | `classname` | `name` |
public enum JUnitNaming {
    /// The classname and name of `test` run by `adapter` in the suite called `suite`.
    public static func split(_ test: String, adapter: AdapterKind?, suite: String) -> (classname: String, name: String) {
        switch adapter {
        case .pytest: return pytest(test)
        case .swift: return swift(test)
        case .go: return go(test)
        case .shell: return (suite, test)
        case .simulated, nil: return JUnitTestCase.split(test)
        }
    }

    /// A pytest node id: the module path with dots, then any classes, as pytest's own
    /// `--junitxml` writes it.
    static func pytest(_ test: String) -> (classname: String, name: String) {
        let bracket = test.firstIndex(of: "[") ?? test.endIndex
        var parts = test[..<bracket].components(separatedBy: "::")
        guard parts.count >= 2 else { return JUnitTestCase.split(test) }
        let last = parts.removeLast() + String(test[bracket...])
        var module = parts.removeFirst()
        if module.hasSuffix(".py") { module.removeLast(3) }
        module = module.replacingOccurrences(of: "/", with: ".")
        return (([module] + parts).joined(separator: "."), last)
    }

    /// `Module.Type/test` (XCTest), `Module.Outer/Inner/test(…)` and `Module.test()` (Swift
    /// Testing): the type path with dots is the classname.
    static func swift(_ test: String) -> (classname: String, name: String) {
        // A Swift Testing name's arguments may hold '/' or '.', so split before the '('.
        let paren = test.firstIndex(of: "(") ?? test.endIndex
        let head = test[..<paren]
        if let slash = head.lastIndex(of: "/") {
            let classname = head[..<slash].replacingOccurrences(of: "/", with: ".")
            return (classname, String(test[test.index(after: slash)...]))
        }
        guard let dot = head.firstIndex(of: ".") else { return ("", test) }
        return (String(head[..<dot]), String(test[test.index(after: dot)...]))
    }

    /// `import/path.TestName`: the package's import path is the classname (as go-junit-report).
    static func go(_ test: String) -> (classname: String, name: String) {
        let lastSlash = test.lastIndex(of: "/") ?? test.startIndex
        guard let dot = test[lastSlash...].lastIndex(of: ".") else { return ("", test) }
        return (String(test[..<dot]), String(test[test.index(after: dot)...]))
    }
}
