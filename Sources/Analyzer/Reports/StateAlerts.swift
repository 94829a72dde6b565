import Model

/// Which tests' states changed since they were last announced, as alert events (pure): the
/// coordinator's `--webhook` posts each one once and then records the state it announced.
public enum StateAlerts {
    /// One state change of one test.
    public struct Event: Sendable, Hashable {
        /// `flaky`, `broken`, `fixed`, `quarantined` or `unquarantined` (left quarantine).
        public var kind: String
        public var test: String
        public var state: TestState
        /// The state announced before (nil: never announced, i.e. it was stable).
        public var previous: String?
        public var flakeRate: Double
        public var evidence: String
        public var sinceCommit: String?
    }

    /// The events for `analysis` given the states announced so far (`announced`, by test). A
    /// test never announced counts as stable; a change that needs no alert (say flaky back to
    /// stable) is still returned with kind `stable`, so the caller records it and a later
    /// return to flaky is announced again.
    public static func changes(_ analysis: FlakyAnalysis, announced: [String: String]) -> [Event] {
        var events: [Event] = []
        for test in analysis.tests {
            let previous = announced[test.name]
            let current = test.state.rawValue
            guard current != (previous ?? TestState.stable.rawValue) else { continue }
            let kind: String
            switch test.state {
            case .quarantined: kind = "quarantined"
            case _ where previous == TestState.quarantined.rawValue: kind = "unquarantined"
            case .flaky: kind = "flaky"
            case .broken: kind = "broken"
            case .fixed: kind = "fixed"
            case .stable: kind = "stable"
            }
            events.append(Event(kind: kind, test: test.name, state: test.state, previous: previous, flakeRate: test.flakeRate,
                                evidence: FlakyReport.evidence(test), sinceCommit: test.sinceCommit))
        }
        return events.sorted { $0.test < $1.test }
    }

    /// The JSON body of one event (one object, keys sorted). `delivery`: the id the event keeps
    /// across retries and restarts (receivers de-duplicate by it).
    public static func json(_ event: Event, at time: Double, delivery: String) -> String {
        let previous = event.previous.map(JSONText.quoted) ?? "null"
        let since = event.sinceCommit.map(JSONText.quoted) ?? "null"
        return "{\"at\": \(time), \"delivery\": \(JSONText.quoted(delivery)), \"event\": \(JSONText.quoted(event.kind)), \"evidence\": \(JSONText.quoted(event.evidence)), "
            + "\"flake_rate\": \(FlakyReport.jsonNumber(event.flakeRate)), \"previous_state\": \(previous), "
            + "\"since_commit\": \(since), \"state\": \(JSONText.quoted(event.state.rawValue)), \"test\": \(JSONText.quoted(event.test))}"
    }
}
