public import Model

/// One `<testcase>` of a JUnit XML file, as testfleet records it.
///
/// Its test name is `classname::name`, or just `name` when the classname is empty. pytest's
/// JUnit output names a test `classname="tests.test_x.TestA" name="test_m[p]"`, so its JUnit
/// name is `tests.test_x.TestA::test_m[p]`, not the node id `tests/test_x.py::TestA::test_m[p]`;
/// the pytest adapter maps it back to node ids, ingested pytest files keep the JUnit form.
public struct JUnitTestCase: Sendable, Hashable {
    /// The `classname` attribute ("" when absent).
    public var classname: String
    /// The `name` attribute.
    public var testName: String
    /// The enclosing `<testsuite name=…>` ("" when absent).
    public var suite: String
    /// The `file` attribute some dialects write (pytest with `junit_family=xunit1`, jest-junit).
    public var file: String?
    /// The final attempt's outcome: a `<failure>` is `.failed`, an `<error>` is `.error` (never a
    /// pass), `<skipped>` is `.skipped` (`.xfailed` when pytest marks it `type="pytest.xfail"`),
    /// no such child is `.passed`.
    public var outcome: Outcome
    /// Seconds, from the `time` attribute (0 when missing or unreadable).
    public var duration: Double
    /// Earlier failed attempts before the final one, from Surefire's `<rerunFailure>`,
    /// `<rerunError>`, `<flakyFailure>`, `<flakyError>` (`.failed` or `.error` each), in order.
    public var earlierAttempts: [Outcome]
    /// The final failure's, error's or skip's `message` attribute.
    public var message: String?
    /// The final failure's or error's text (usually a stack trace), then `<system-out>`, then
    /// `<system-err>`.
    public var output: String
    /// Bytes dropped from the front of `output` by the parser's output cap.
    public var outputDropped: Int

    public init(
        classname: String, testName: String, suite: String = "", file: String? = nil, outcome: Outcome,
        duration: Double, earlierAttempts: [Outcome] = [], message: String? = nil, output: String = "",
        outputDropped: Int = 0
    ) {
        self.classname = classname
        self.testName = testName
        self.suite = suite
        self.file = file
        self.outcome = outcome
        self.duration = duration
        self.earlierAttempts = earlierAttempts
        self.message = message
        self.output = output
        self.outputDropped = outputDropped
    }

    /// `classname::name`, or `name` when the classname is empty.
    public var name: String { classname.isEmpty ? testName : classname + "::" + testName }

    /// Attempts in all: the final one plus the reruns before it.
    public var attempts: Int { earlierAttempts.count + 1 }

    /// A test case for a testfleet test name, split at its last `::` outside any `[…]`
    /// parameter id into classname and name (`a/b.py::C::t[x::y]` → `a/b.py::C` and `t[x::y]`).
    public init(
        testfleetName: String, suite: String = "", outcome: Outcome, duration: Double,
        earlierAttempts: [Outcome] = [], message: String? = nil, output: String = ""
    ) {
        let (classname, name) = Self.split(testfleetName)
        self.init(classname: classname, testName: name, suite: suite, outcome: outcome, duration: duration,
                  earlierAttempts: earlierAttempts, message: message, output: output)
    }

    static func split(_ full: String) -> (classname: String, name: String) {
        let head = full.firstIndex(of: "[").map { full[..<$0] } ?? full[...]
        guard let separator = head.ranges(of: "::").last else { return ("", full) }
        return (String(full[..<separator.lowerBound]), String(full[separator.upperBound...]))
    }
}
