import Model

/// The Prometheus text exposition format (version 0.0.4) of a coordinator's figures. Pure.
enum MetricsText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every family with HELP and TYPE; label sets that are usually present (both verdicts,
    /// every outcome, both arches) are written even at 0, so a dashboard's queries find them.
    static func render(_ metrics: FleetMetrics, loopAgeSeconds: Double) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func labelled(_ key: String, _ values: [String: Int], always: [String]) -> [(labels: String, value: String)] {
            Set(values.keys).union(always).sorted().map { ("{\(key)=\"\(escape($0))\"}", String(values[$0] ?? 0)) }
        }
        family("testfleet_builds_running", "gauge", "Builds queued or running on this coordinator.",
               [("", String(metrics.buildsRunning))])
        family("testfleet_builds_finished_total", "counter",
               "Builds finished since the coordinator started, by verdict (pass, fail) or ending (cancelled, aborted).",
               labelled("verdict", metrics.buildsFinished, always: ["pass", "fail"]))
        family("testfleet_results_total", "counter", "Test results stored since the coordinator started, by outcome.",
               labelled("outcome", metrics.results, always: Outcome.allCases.map(\.rawValue)))
        family("testfleet_queue_tests", "gauge", "Tests waiting in the builds' queues (first attempts and retries).",
               [("", String(metrics.queueTests))])
        family("testfleet_workers", "gauge", "Connected workers by arch.",
               labelled("arch", metrics.workers, always: Arch.allCases.map(\.rawValue)))
        family("testfleet_lease_expiries_total", "counter", "Leases taken back because they outlived their deadline.",
               [("", String(metrics.leaseExpiries))])
        family("testfleet_tests_handed_back_total", "counter",
               "Tests a worker gave back unrun so that a worker which had run out of work could take them.",
               [("", String(metrics.testsHandedBack))])
        family("testfleet_loop_last_turn_age_seconds", "gauge", "Seconds since the coordinator loop last published these figures.",
               [("", String(loopAgeSeconds))])
        return out
    }

    /// Escapes a label value (backslash, quote, newline).
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
