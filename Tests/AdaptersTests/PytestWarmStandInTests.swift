import Foundation
import Model
import Testing
@testable import Adapters

/// What a later build's warm session meets on a real pytest and Tests/Fixtures/pytest-volatile:
/// an inventory another process listed, whose clock-made parametrisation ids no longer exist; a
/// class that cannot be collected; a module that turns warnings into errors at import; modules that
/// rely on what importing or collecting the modules before them did.
@Suite(.serialized) struct PytestWarmStandInTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-volatile").path
    static let brokenClass = "tests/test_broken_class.py::TestBroken"

    let scratch: TemporaryDirectory
    var starts: String { scratch.path + "/starts" }

    init() throws { scratch = try TemporaryDirectory() }

    /// The suite, its command counting the pytest processes it starts.
    var suite: SuiteDefinition {
        let command = "sh -c 'echo start >> \"\(starts)\"; exec python3 -m pytest \"$@\"' pytest"
        return SuiteDefinition(name: "volatile", adapter: .pytest, directory: Self.fixture, command: command,
                               environment: PytestWarmTests.environment)
    }

    var processStarts: Int {
        ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// The inventory a previous build took: a plain `pytest --collect-only` in its own process.
    func inventory() throws -> [String] {
        try PytestAdapter().inventory(of: SuiteDefinition(name: "volatile", adapter: .pytest, directory: Self.fixture,
                                                          environment: PytestWarmTests.environment))
    }

    func results(_ run: ((AdapterResult) -> Void) -> Void) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        run { results[$0.name] = $0 }
        return results
    }

    @Test func aLaterSessionRunsClockMadeIdsAsTheItemsNowInTheirPlace() throws {
        let listed = try inventory()
        let clockMade = listed.filter { $0.hasPrefix("tests/test_volatile.py::test_value[") && $0 != "tests/test_volatile.py::test_value[fixed]" }
        #expect(clockMade.count == 3, "\(listed)")
        let log = LogLines()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        let got = results { PytestAdapter().runWarm(listed, of: suite, key: "k", sessions: sessions, report: $0) }
        #expect(Set(got.keys) == Set(listed), "one result per listed id, under the listed id")
        for id in listed where id != Self.brokenClass && id != Self.helperClass {
            #expect(got[id]?.outcome == .passed, "\(id): \(got[id].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
        }
        #expect(processStarts == 1, "no cold run: \(log.lines)")
        #expect(log.lines.contains { $0.contains("3 node id(s) no longer collected") }, "\(log.lines)")
    }

    @Test func aRetryInAForkServerFindsTheSameStandInEveryTime() throws {
        let listed = try inventory()
        let clockMade = try #require(listed.first { $0.hasPrefix("tests/test_volatile.py::test_value[at-") })
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        for attempt in 2...4 {
            let got = results { PytestAdapter().runForked([clockMade], of: suite, attempt: attempt, key: "k", servers: servers, report: $0) }
            #expect(got[clockMade]?.outcome == .passed, "attempt \(attempt): \(got)")
        }
        #expect(processStarts == 1, "one fork server, no cold run")
    }

    @Test func aClassThatCannotBeCollectedIsOneErrorInTheListingAndInEveryRun() throws {
        let listed = try inventory()
        #expect(listed.contains(Self.brokenClass), "the cold inventory lists it: \(listed)")
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        let listing = scratch.path + "/listing.json"
        #expect(PytestAdapter().prewarm(suite, key: "k", sessions: sessions, servers: nil, listing: listing))
        let warmListed = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: listing)))
        #expect(warmListed.contains(Self.brokenClass), "the warm listing lists it: \(warmListed)")
        let ids = [Self.brokenClass, "tests/test_broken_class.py::test_collected"]
        let warm = results { PytestAdapter().runWarm(ids, of: suite, key: "k2", sessions: sessions, report: $0) }
        let cold = results { PytestAdapter().run(ids, of: suite, attempt: 1, report: $0) }
        for got in [warm, cold] {
            let broken = try #require(got[Self.brokenClass])
            #expect(broken.outcome == .error)
            #expect(String(decoding: broken.output, as: UTF8.self).contains("no_such_argument"))
            #expect(got[ids[1]]?.outcome == .passed)
        }
    }

    @Test func aSessionImportsTheBuildsTestModulesBeforeItsFirstTestAsAPlainRunDoes() throws {
        let needs = "tests/test_needs_side_effect.py::test_sees"
        // The control: a session that collects only the grant's own module.
        let alone = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { alone.shutdown() }
        let without = results { PytestAdapter().runWarm([needs], of: suite, key: "k", sessions: alone, report: $0) }
        #expect(without[needs]?.outcome == .failed)
        // Sent the build's test files (as a worker's first lease carries them), it imports them first.
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        let modules = ["tests/test_import_side_effect.py", "tests/test_needs_side_effect.py", "tests/test_broken_class.py"]
        let with = results {
            PytestAdapter().runWarm([needs], of: suite, key: "k", sessions: sessions, modules: modules, report: $0)
        }
        #expect(with[needs]?.outcome == .passed, "\(with[needs].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
        // A module imported so still collects and runs when a later grant names it.
        let later = results {
            PytestAdapter().runWarm(["tests/test_import_side_effect.py::test_sets", Self.brokenClass], of: suite, key: "k",
                                    sessions: sessions, modules: modules, report: $0)
        }
        #expect(later["tests/test_import_side_effect.py::test_sets"]?.outcome == .passed)
        #expect(later[Self.brokenClass]?.outcome == .error)
        #expect(processStarts == 2, "one session each, no cold run")
    }

    @Test func aRetryInTheSessionsTwinStartsWithTheBuildsTestModulesImportedAsAPlainRunsFirstTest() throws {
        let needs = "tests/test_needs_side_effect.py::test_sees"
        let modules = ["tests/test_import_side_effect.py", "tests/test_needs_side_effect.py"]
        // The control: a fork server started on its own imports only what a retry names.
        let alone = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        let without = results { PytestAdapter().runForked([needs], of: suite, attempt: 2, key: "k", servers: alone, report: $0) }
        alone.shutdown()
        #expect(without[needs]?.outcome == .failed)
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        // The session's first grant (a first attempt elsewhere in the suite) imports the build's
        // test modules; the twin is forked then, before the grant's test runs.
        let first = results {
            PytestAdapter().runWarm(["tests/test_volatile.py::test_value[fixed]"], of: suite, key: "k", sessions: sessions,
                                    servers: servers, modules: modules, report: $0)
        }
        #expect(first["tests/test_volatile.py::test_value[fixed]"]?.outcome == .passed)
        let retried = results { PytestAdapter().runForked([needs], of: suite, attempt: 2, key: "k", servers: servers, report: $0) }
        #expect(retried[needs]?.outcome == .passed, "\(retried[needs].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
        #expect(processStarts == 2, "the control's server and the session: the twin is a fork: \(log.lines)")
    }

    @Test func aSessionToldToImportAheadOfItsFirstGrantForksItsTwinThen() throws {
        let needs = "tests/test_needs_side_effect.py::test_sees"
        let modules = ["tests/test_import_side_effect.py", "tests/test_needs_side_effect.py"]
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        // A worker's first lease whose long test runs alone in the fork server before the session's
        // part: the session imports first, and the twin it forks then runs the test.
        PytestAdapter().prepareWarm(suite, key: "k", sessions: sessions, servers: servers, modules: modules)
        let alone = results { PytestAdapter().runForked([needs], of: suite, attempt: 1, key: "k", servers: servers, report: $0) }
        #expect(alone[needs]?.outcome == .passed, "\(alone[needs].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
        // The session's grant after it: the modules are not imported again, and the test runs.
        let later = results {
            PytestAdapter().runWarm([needs], of: suite, key: "k", sessions: sessions, servers: servers, modules: modules, report: $0)
        }
        #expect(later[needs]?.outcome == .passed)
        #expect(processStarts == 1, "the session only: the twin is a fork of it: \(log.lines)")
    }

    @Test func aSessionListsEachModuleItImportsBeforeTheNextAsAPlainCollectionDoes() throws {
        let needs = "tests/test_needs_hook_side_effect.py::test_saw_hook"
        let setter = "tests/test_import_side_effect.py::test_sets"
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        // The conftest's collection hook runs on the first module's functions before the second
        // module is imported, as in a plain run; importing both first would miss it.
        let modules = ["tests/test_import_side_effect.py", "tests/test_needs_hook_side_effect.py"]
        let got = results { PytestAdapter().runWarm([needs], of: suite, key: "k", sessions: sessions, modules: modules, report: $0) }
        #expect(got[needs]?.outcome == .passed, "\(got[needs].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
        // The module listed so still runs when a later grant names its test.
        let later = results { PytestAdapter().runWarm([setter], of: suite, key: "k", sessions: sessions, modules: modules, report: $0) }
        #expect(later[setter]?.outcome == .passed)
        #expect(processStarts == 1)
    }

    @Test func aWarningFilterSetAtImportEndsWithCollectionAsInAPlainRun() throws {
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        // One grant collects the module that sets the filter, the next runs a test that warns.
        let first = results {
            PytestAdapter().runWarm(["tests/test_filter_at_import.py::test_imported"], of: suite, key: "k", sessions: sessions, report: $0)
        }
        #expect(first.values.first?.outcome == .passed)
        let second = results { PytestAdapter().runWarm(["tests/test_warns.py::test_warns"], of: suite, key: "k", sessions: sessions, report: $0) }
        let warns = try #require(second["tests/test_warns.py::test_warns"])
        #expect(warns.outcome == .passed, "\(String(decoding: warns.output, as: UTF8.self))")
        #expect(processStarts == 1)
    }
}

/// A module that turns warnings into errors at import, and a class after it that pytest will not
/// collect (`tests/test_helper_class.py::TestHelper`): a plain run of the whole suite collects it
/// under that filter, an error; each of a session's collections starts from its file's filters.
extension PytestWarmStandInTests {
    static let helperClass = "tests/test_helper_class.py::TestHelper"

    @Test func aClassCollectedAfterAModuleThatSetAFilterAtImportIsItsErrorInLaterGrants() throws {
        #expect(try inventory().contains(Self.helperClass), "a plain collection lists the error")
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        // One grant imports the module that sets the filter, the next collects the class.
        _ = results { PytestAdapter().runWarm(["tests/test_filter_at_import.py::test_imported"], of: suite, key: "k", sessions: sessions, report: $0) }
        let ids = [Self.helperClass, "tests/test_helper_class.py::test_beside", "tests/test_warns.py::test_warns"]
        let got = results { PytestAdapter().runWarm(ids, of: suite, key: "k", sessions: sessions, report: $0) }
        let helper = try #require(got[Self.helperClass])
        #expect(helper.outcome == .error)
        #expect(String(decoding: helper.output, as: UTF8.self).contains("__init__ constructor"), "\(String(decoding: helper.output, as: UTF8.self))")
        // The filter holds for collection only: the module's other test and a test that warns pass.
        #expect(got[ids[1]]?.outcome == .passed)
        #expect(got[ids[2]]?.outcome == .passed, "\(got[ids[2]].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
        #expect(processStarts == 1, "no cold run")
    }

    @Test func aShareOfAListingWhoseModuleSetsAFilterListsTheWholeSuiteAndEverySessionReportsTheError() throws {
        let listed = try inventory()
        let log = LogLines()
        var listings: [Data] = []
        let shares = [PytestListingShare(index: 0, count: 2)!, PytestListingShare(index: 1, count: 2)!]
        let sessions = shares.map { _ in PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) } }
        defer { sessions.forEach { $0.shutdown() } }
        for (share, session) in zip(shares, sessions) {
            let path = scratch.path + "/listing-\(share.index).json"
            #expect(PytestAdapter().prewarm(suite, key: "k", sessions: session, servers: nil, listing: path, share: share))
            listings.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let merged = try PytestListingShare.merge(listings)
        // As many ids as a plain collection (the clock-made ones differ), the class among them.
        #expect(merged.ids.count == listed.count && merged.ids.contains(Self.helperClass), "\(merged.ids) against \(listed)")
        // Whichever session a test goes to runs it without a cold run: the class is its error,
        // and a clock-made id of the listing taken has a stand-in in the session whose listing
        // was not taken (its own ids for that file are not the plan's).
        for session in sessions {
            let got = results { PytestAdapter().runWarm(merged.ids, of: suite, key: "k", sessions: session, report: $0) }
            #expect(Set(got.keys) == Set(merged.ids))
            for id in merged.ids {
                let expected: Outcome = id == Self.helperClass || id == Self.brokenClass ? .error : .passed
                #expect(got[id]?.outcome == expected, "\(id): \(got[id].map { String(decoding: $0.output, as: UTF8.self) } ?? "none")")
            }
        }
        #expect(processStarts == 2, "one session each, no cold run: \(log.lines)")
    }
}
