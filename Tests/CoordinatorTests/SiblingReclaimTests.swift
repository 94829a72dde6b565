@testable import Coordinator
import Model
import Testing
import Wire

/// In a first build, a waiting test is worth at least what tests of its name in its file's other
/// classes took (`BuildState+Siblings`): transitions' `TestLockedHierarchicalTransitions` runs
/// `TestLockedTransitions`' 1–2 s tests again, and an idle worker waited 2.5 s for them.
@Suite struct SiblingReclaimTests {
    /// w1's home: `e.py::t0`, then class B's tests; w2's: class A's, the same names.
    static let names = ["e.py::t0"] + (1..<12).map { "f.py::B::t\($0)" } + (0..<12).map { "f.py::A::t\($0)" }
    /// `A::t4`, which takes 2 s (predicted so: its file keeps its scale of 1).
    static let slowSibling = 16

    @Test func siblingKeysDropTheClass() {
        #expect(BuildState.siblingKey(of: "tests/t.py::TestB::test_x[1-2]") == "tests/t.py::test_x[1-2]")
        #expect(BuildState.siblingKey(of: "tests/t.py::test_x") == nil)
        #expect(BuildState.siblingKey(of: "tests/t.py") == nil)
    }

    /// w1 starts its home, whose first test runs 2 s; w2 runs all of its own, `A::t4` taking
    /// 2 s, and is idle. Whether w1 is asked to give back part of its lease.
    func reclaimed(firstBuild: Bool) throws -> Bool {
        let fleet = FleetHarness()
        fleet.hello("w1")
        var cases = Self.names.enumerated().map { TestCase(name: $1, suite: 0, predicted: 0.01, index: $0) }
        cases[Self.slowSibling].predicted = 2
        fleet.start(cases: cases, firstBuild: firstBuild,
                    homes: (tests: Self.names.indices.map { $0 < 12 ? 0 : 1 }, workers: ["w1": 0, "w2": 1]))
        let held = try #require(fleet.assigns(to: "w1").first)
        #expect(held.tests.map(\.name) == Array(Self.names[0..<12]), "w1's home, in order")
        fleet.hello("w2")
        var done = 0
        while let next = fleet.assigns(to: "w2").dropFirst(done).first {
            let slow = next.tests.filter { $0.name == Self.names[Self.slowSibling] }
            let fast = next.tests.filter { $0.name != Self.names[Self.slowSibling] }
            fleet.report("w2", lease: next.lease, fast.map { ($0.name, $0.attempt, .passed) })
            if !slow.isEmpty { fleet.report("w2", lease: next.lease, slow.map { ($0.name, $0.attempt, .passed) }, duration: 2) }
            done += 1
        }
        fleet.now += 2000
        fleet.heartbeat(from: "w1")
        fleet.heartbeat(from: "w2")
        fleet.housekeeping()
        return fleet.effects.contains { if case .send(.reclaim, FleetHarness.identity("w1")) = $0 { true } else { false } }
    }

    @Test func aFirstBuildReclaimsEarlierTestsWhoseSiblingsWereSlow() throws {
        // B::t4 is among the every-other tests a reclaim would take; w2's session ran later
        // tests, so they would run in a process of their own: worth it for 2 s, not for 0.05 s.
        #expect(try reclaimed(firstBuild: true), "B::t4's sibling took 2 s")
        #expect(try !reclaimed(firstBuild: false), "a later build's predictions are its own history")
    }
}
