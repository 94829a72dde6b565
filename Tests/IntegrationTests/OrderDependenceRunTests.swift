import Foundation
import Model
import Store
import Testing

/// `testfleet run --local 1` (real coordinator, real worker process, warm pytest sessions on) on
/// Tests/Fixtures/pytest-order, build after build into one store, then `testfleet flaky --json`:
/// `test_b`, which fails whenever `test_a` ran before it in the same process (the warm session)
/// and passes in its fresh retry, is named order-dependent on `test_a`; `test_coin`, failing at
/// random, is not.
@Suite(.serialized) struct OrderDependenceRunTests {
    let directory = Testfleet.temporaryDirectory()
    static let builds = 6

    @Test func warmSessionsNameTheTestAPollutedTestDependsOn() throws {
        let fixture = Testfleet.fixture("pytest-order")
        try """
            [[suite]]
            name = "order"
            adapter = "pytest"
            dir = "\(fixture)"
            timeout_s = 120
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        for build in 1...Self.builds {
            let run = try Testfleet.run(["run", "--local", "1", "--retries", "1", "--confirm-runs", "0", "--suite", "testfleet.toml",
                                         "--db", "d.db", "--build", "o\(build)", "--quiet"], in: directory, timeout: 600,
                                        environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache"])
            // test_coin fails both its attempts about one build in eleven: then the gate fails.
            #expect(run.code == 0 || run.code == 1, "build o\(build): \(run.stderr)")
        }
        // What the worker reported: test_b's first attempts ran after test_a in one process, its
        // retries alone in another.
        let store = try Store(path: directory + "/d.db")
        let keys = (1...Self.builds).flatMap { build in
            [1, 2].map { AttemptKey(build: "o\(build)", test: "tests/test_order.py::test_b", attempt: $0) }
        }
        let places = try store.places(of: keys)
        #expect(places.count == keys.count, "every attempt of test_b has a place: \(places)")
        let runs = try store.processRuns(Set(places.values.map(\.process)))
        for key in keys {
            guard let place = places[key] else { continue }
            let before = (runs[place.process] ?? []).filter { $0.position < place.position }.map(\.test)
            if key.attempt == 1 {
                #expect(before.contains("tests/test_order.py::test_a"), "\(key.build): \(before)")
            } else {
                #expect(before.isEmpty, "the retry ran in a fresh process: \(key.build): \(before)")
            }
        }

        let flaky = try Testfleet.run(["flaky", "--json", "--db", "d.db"], in: directory)
        #expect(flaky.code == 0, "\(flaky.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(flaky.stdout.utf8)) as? [[String: Any]], "\(flaky.stdout)")
        let victim = try #require(rows.first { $0["test"] as? String == "tests/test_order.py::test_b" }, "\(flaky.stdout)")
        #expect(victim["order_dependent"] as? Bool == true)
        #expect(victim["depends_on"] as? String == "tests/test_order.py::test_a")
        #expect((victim["evidence"] as? String ?? "").hasPrefix("order-dependent: fails only after tests/test_order.py::test_a"))
        #expect(victim["state"] != nil && victim["flake_rate"] != nil && victim["evidence"] != nil && victim.keys.contains("since_commit"),
                "the existing keys stay")
        // The coin is flaky at best, never order-dependent; nothing else is named.
        if let coin = rows.first(where: { $0["test"] as? String == "tests/test_random.py::test_coin" }) {
            #expect(coin["depends_on"] == nil && coin["order_dependent"] == nil, "\(coin)")
        }
        #expect(rows.filter { $0["depends_on"] != nil }.count == 1, "\(flaky.stdout)")

        let text = try Testfleet.run(["flaky", "--db", "d.db"], in: directory)
        #expect(text.stdout.contains("order-dependent on tests/test_order.py::test_a"), "\(text.stdout)")
    }
}
