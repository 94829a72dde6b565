import Foundation
public import Model

/// Keeps the tests of suites whose framework collects every file it is given (pytest) in their
/// collection order: the pending queue then hands each suite out as contiguous runs of the order
/// the framework listed, so every worker process runs its tests in the order a plain run would,
/// as pytest-xdist's workers do. Real suites depend on that order without saying so: astroid
/// 3.3.8's `test_manager.py` swaps in a manager without its "brain" plugins, and the brain tests
/// that sort before it pass only because they run first. When the planner handed out modules
/// largest first instead, 74–113 of its tests failed in every later build and passed on retry:
/// each build recorded them as flaky and paid for their retries.
///
/// Each such suite is one group: every test gets the same `groupWork`, so the queue (largest key
/// first, ties in their given order) keeps the order. That key is `longShare` of the suite's
/// predicted work: tests of other suites (go, shell) that are longer than that still start
/// before the suite, as longest-first wants, and shorter ones after it.
/// `fileOverhead` is the work of loading a file that no test's own duration shows (pytest
/// importing and collecting a module): it is added to the first test of each file, so grant
/// budgets count it.
///
/// The one exception is a test long enough to stretch the build when it starts late: predicted
/// above `longShare` of its suite's work (and at least `soloSeconds`). It keeps its own
/// prediction as its key, so it goes out before the rest of its suite, longest first:
/// more-itertools' 12.5 s `test_primes`, reached in order, ran last on one worker while the
/// other sat idle. When the rest of its unit (`TestFile.unit`: its top-level class or function,
/// every parameter) is predicted no longer than the test itself, that rest goes with it under
/// the same key, in its order, and runs in its process (`BuildState.outOfOrder`). Why: a unit's
/// first test carries what the unit makes once (a class-scoped fixture, a cache the class fills
/// on first use), so a long test in a unit of short ones is often long for the unit's sake.
/// lark 1.2.2's `TestPythonParser::test_BIN_NUMBER` builds the Python grammar (0.5 s) that the
/// class's other tests reuse; sent ahead alone, it built it in its own process and the next test
/// of the class built it again in the warm session, in every later build. A unit with another
/// long test stays divisible, and so does a unit whose rest is longer: autopep8 2.3.1's
/// `CommandLineTests` (46 tests, 4.8 s, each running the tool in a subprocess) sent ahead whole
/// with its 0.8 s test was one worker's last 4.2 s.
public enum CollectionOrder {
    /// A test this share of its suite's work goes first (see the type's comment).
    public static let longShare = 1.0 / 16
    /// ... and only when it is this many times the file loading cost.
    public static let soloFactor = 20.0

    private struct Key: Hashable {
        var suite: Int
        var arch: Arch?
    }

    private struct UnitKey: Hashable {
        var suite: Key
        var unit: Substring

        init(_ suite: Key, _ test: String) {
            self.suite = suite
            unit = TestFile.unit(of: test)
        }
    }

    /// `tests` with queue keys that keep each of `suites` in its given order, but for its long
    /// tests (none with the default `soloSeconds`); tests of other suites are left as they are.
    public static func arrange(_ tests: [TestCase], suites: Set<Int>, fileOverhead: Double = 0,
                               soloSeconds: Double = .infinity) -> [TestCase] {
        guard !suites.isEmpty, !tests.isEmpty else { return tests }
        var arranged = tests
        var totals: [Key: Double] = [:]
        var lastFile: [Key: Substring] = [:]
        for index in arranged.indices where suites.contains(arranged[index].suite) {
            let key = Key(suite: arranged[index].suite, arch: arranged[index].arch)
            let file = TestFile.of(arranged[index].name)
            if lastFile[key] != file {
                lastFile[key] = file
                arranged[index].predicted += fileOverhead
            }
            totals[key, default: 0] += arranged[index].predicted
        }
        // Long tests, and each unit's (suite, arch, top-level class or function): how many, and
        // the longest's prediction.
        var long: [Int] = []
        var longInUnit: [UnitKey: (count: Int, longest: Double)] = [:]
        for index in arranged.indices where suites.contains(arranged[index].suite) {
            let key = Key(suite: arranged[index].suite, arch: arranged[index].arch)
            let share = (totals[key] ?? 0) * longShare
            let predicted = arranged[index].predicted
            arranged[index].groupWork = max(share, .leastNonzeroMagnitude)
            if predicted > share && predicted >= soloSeconds {
                long.append(index)
                let unit = UnitKey(key, arranged[index].name)
                let before = longInUnit[unit] ?? (0, 0)
                longInUnit[unit] = (before.count + 1, max(before.longest, predicted))
            }
        }
        guard !long.isEmpty else { return arranged }
        for index in long { arranged[index].groupWork = arranged[index].predicted }
        // A unit goes along under its long test's key only when the rest of it is no longer
        // than that test: then the test is likely long for the unit's sake, and the block is at
        // most twice it. A unit with two long tests stays divisible: the second is long on its
        // own account, and the two together were one worker's 4 s while the other sat idle
        // (PyJWT 2.9.0's `TestPyJWKClient`, two 2 s cache-expiry tests whose predictions, a
        // hundredth apart, put the unit on either side of the bound from build to build).
        var unitOf: [Int: UnitKey] = [:]
        var unitWork: [UnitKey: Double] = [:]
        for index in arranged.indices where suites.contains(arranged[index].suite) {
            let unit = UnitKey(Key(suite: arranged[index].suite, arch: arranged[index].arch), arranged[index].name)
            guard longInUnit[unit]?.count == 1 else { continue }
            unitOf[index] = unit
            unitWork[unit, default: 0] += arranged[index].predicted
        }
        for (index, unit) in unitOf {
            let longest = longInUnit[unit]!.longest
            if unitWork[unit]! <= 2 * longest { arranged[index].groupWork = longest }
        }
        return arranged
    }
}
