@testable import Coordinator
import Model
import Testing
import Wire

/// A pytest test the planner sent first because it is long (its queue key is its own
/// prediction) is granted `alone`, so the worker runs it in a process of its own; the tests kept
/// in order, a failure of the previous build sent first, a retry, and a test of another
/// framework are not.
@Suite struct OutOfOrderGrantTests {
    static let a = RetryContextTests.a, b = RetryContextTests.b, c = RetryContextTests.c

    @Test func aTestMovedAheadIsGrantedAloneAndItsFileMatesAreNot() throws {
        let fleet = FleetHarness()
        // test_c is long: its key is its 5 s prediction, against the suite's shared 1; the queue
        // sends it first.
        let first = try RetryContextTests().start(fleet, [Self.a, Self.b, Self.c], predicted: [0.01, 0.01, 5], groupWork: [1, 1, 5])
        let granted = fleet.assigns(to: "w1").flatMap(\.tests)
        #expect(granted.first == GrantedTest(name: Self.c, attempt: 1, alone: true), "\(granted)")
        #expect(granted.filter(\.alone).map(\.name) == [Self.c], "\(granted)")
        // Its retry is a fork server's child anyway: no flag.
        fleet.report("w1", lease: first.lease, placed: [(Self.c, 1, .failed, RunPlace(process: 11, position: 0))])
        let retry = try #require(fleet.assigns(to: "w1").flatMap(\.tests).first { $0.attempt == 2 })
        #expect(retry == GrantedTest(name: Self.c, attempt: 2))
    }

    @Test func theRestOfALongTestsClassIsGrantedAloneWithIt() throws {
        // The planner gave test_first's class its 5 s key (`CollectionOrder`): the class goes
        // out first, all of it alone, for the worker to run in one child; test_b keeps its place.
        let fleet = FleetHarness()
        let first = "tests/test_f.py::TestK::test_first", second = "tests/test_f.py::TestK::test_second[1]"
        _ = try RetryContextTests().start(fleet, [Self.a, first, second, Self.b], predicted: [0.01, 5, 0.01, 0.01],
                                          groupWork: [1, 5, 5, 1])
        let granted = fleet.assigns(to: "w1").flatMap(\.tests)
        #expect(granted.prefix(2).map(\.name) == [first, second], "\(granted)")
        #expect(granted.filter(\.alone).map(\.name) == [first, second], "\(granted)")
    }

    @Test func twoLongTestsOfAClassInOneGrantKeepTheirClassOrder() throws {
        // test_b (5 s) and test_a (3 s) are long; the rest of their class outweighs each, so
        // each goes alone under its own key, test_b first. One grant takes both: the worker
        // runs them in one child, so they go in their class's order.
        let fleet = FleetHarness()
        let a = "tests/test_f.py::TestK::test_a", b = "tests/test_f.py::TestK::test_b"
        let rest = (0..<40).map { "tests/test_f.py::TestK::test_r\($0)" }
        let lease = try RetryContextTests().start(fleet, [a, b] + rest, predicted: [3, 5] + rest.map { _ in 0.2 },
                                                  groupWork: [3, 5] + rest.map { _ in 1 })
        #expect(lease.tests.prefix(2).map(\.name) == [a, b], "\(lease.tests.map(\.name))")
        #expect(lease.tests.filter(\.alone).map(\.name) == [a, b])
    }

    @Test func aLongTestThatFailedThePreviousBuildIsNotAloneButTheRestOfItsClassIs() throws {
        // FailedFirst gave test_first a key above the rest; its class-mate keeps its 5 s key.
        let fleet = FleetHarness()
        let first = "tests/test_f.py::TestK::test_first", second = "tests/test_f.py::TestK::test_second"
        let lease = try RetryContextTests().start(fleet, [Self.a, first, second], predicted: [0.01, 5, 0.01],
                                                  groupWork: [1, 7.5, 5])
        #expect(lease.tests == [GrantedTest(name: first, attempt: 1, fresh: true)], "\(lease.tests)")
        fleet.report("w1", lease: lease.lease, placed: [(first, 1, .passed, RunPlace(process: 11, position: 0))])
        let granted = fleet.assigns(to: "w1").dropFirst().flatMap(\.tests)
        #expect(granted.first == GrantedTest(name: second, attempt: 1, alone: true), "\(granted)")
        #expect(granted.filter(\.alone).map(\.name) == [second], "\(granted)")
    }

    @Test func aSuiteKeptInOrderAndAnotherFrameworkGetNoFlag() throws {
        let fleet = FleetHarness()
        _ = try RetryContextTests().start(fleet, [Self.a, Self.b, Self.c])
        #expect(fleet.assigns(to: "w1").flatMap(\.tests).allSatisfy { !$0.alone })
        let go = FleetHarness()
        _ = try RetryContextTests().start(go, [Self.a, Self.b, Self.c], predicted: [0.01, 0.01, 5], groupWork: [1, 1, 5],
                                          adapter: .go)
        #expect(go.assigns(to: "w1").flatMap(\.tests).allSatisfy { !$0.alone })
    }

    @Test func aFailureOfThePreviousBuildSentFirstIsNotAlone() throws {
        // FailedFirst's key is above every other and not the test's prediction: pytest's own
        // --failed-first order. Such tests share one fork server's child per grant (`fresh`),
        // not one each: twenty of a pytest-django suite would make its test database twenty times.
        let fleet = FleetHarness()
        _ = try RetryContextTests().start(fleet, [Self.a, Self.b, Self.c], groupWork: [1, 1, 7.5])
        let granted = fleet.assigns(to: "w1").flatMap(\.tests)
        #expect(granted.first?.name == Self.c && granted.allSatisfy { !$0.alone }, "\(granted)")
        #expect(granted.first?.fresh == true, "\(granted)")
    }
}
