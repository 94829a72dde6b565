import Model
public import Store

extension OrderDependenceRule {
    /// Every test of `history` with an order dependency, by test id. Reads the places of the
    /// attempts of tests that failed at least `minimumFailures` times in the history (key
    /// lookups), then the run order of the processes those attempts ran in. A store without
    /// places (filled by `ingest junit`, or by workers older than places) costs one query.
    public func dependencies(in history: AttemptHistory, store: Store) throws(StoreError) -> [Int32: OrderDependency] {
        var failures: [Int32: Int] = [:]
        for record in history.records where record.outcome.isFailure { failures[record.test, default: 0] += 1 }
        let suspects = Set(failures.filter { $0.value >= minimumFailures }.keys)
        guard !suspects.isEmpty, try store.hasPlaces() else { return [:] }
        var attempts: [Int32: [(key: AttemptKey, failed: Bool)]] = [:]
        for record in history.records where suspects.contains(record.test) && record.isEvidence {
            let key = AttemptKey(build: history.builds[Int(record.build)].id, test: history.testNames[Int(record.test)],
                                 attempt: Int(record.attempt))
            attempts[record.test, default: []].append((key, record.outcome.isFailure))
        }
        let places = try store.places(of: attempts.values.flatMap { $0.map(\.key) })
        // Only tests with enough placed failures need their processes read.
        attempts = attempts.filter { _, list in list.lazy.filter { $0.failed && places[$0.key] != nil }.count >= minimumFailures }
        let runs = try store.processRuns(Set(attempts.values.joined().compactMap { places[$0.key]?.process }))
        var found: [Int32: OrderDependency] = [:]
        for (test, list) in attempts {
            let name = history.testNames[Int(test)]
            let placed = list.compactMap { entry in places[entry.key].map { (place: $0, failed: entry.failed) } }
            let failing = placed.filter(\.failed).map { OrderObservation(failed: true, before: Self.before($0.place, in: runs, excluding: name)) }
            let possible = candidates(failing)
            guard !possible.isEmpty else { continue }
            // Passes only need to say which of the possible dependencies ran before them.
            let passing = placed.filter { !$0.failed }.map {
                OrderObservation(failed: false, before: Self.before($0.place, in: runs, excluding: name).filter { possible.contains($0.key) })
            }
            if let dependency = judge(failing + passing) { found[test] = dependency }
        }
        return found
    }

    /// The tests that ran before `place` in its process, each with how many places earlier
    /// (a test run twice there keeps its nearest run), other than `test` itself.
    static func before(_ place: RunPlace, in runs: [Int64: [(position: Int, test: String)]], excluding test: String)
        -> [String: Int]
    {
        var before: [String: Int] = [:]
        for entry in runs[place.process] ?? [] where entry.position < place.position && entry.test != test {
            before[entry.test] = place.position - entry.position
        }
        return before
    }
}
