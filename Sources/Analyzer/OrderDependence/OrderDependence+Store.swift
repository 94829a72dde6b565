import Model
public import Store

extension OrderDependenceRule {
    /// Every test of `history` with an order dependency, by test id. Reads the places of the
    /// attempts of tests that failed at least `minimumFailures` times and passed at least
    /// `minimumPassesWithout` times in the history (key lookups), then the run order of the
    /// processes those attempts ran in (each process once: at most the window's places). A
    /// store without places (filled by `ingest junit`, or by older workers) costs one query.
    public func dependencies(in history: AttemptHistory, store: Store) throws(StoreError) -> [Int32: OrderDependency] {
        var failures: [Int32: Int] = [:], passes: [Int32: Int] = [:]
        for record in history.records {
            if record.outcome.isFailure { failures[record.test, default: 0] += 1 }
            else if record.outcome == .passed { passes[record.test, default: 0] += 1 }
        }
        let suspects = Set(failures.filter { $0.value >= minimumFailures && passes[$0.key, default: 0] >= minimumPassesWithout }.keys)
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
        // Each process once, up to the last suspect attempt in it, as test → its first position
        // there, shared by every suspect that ran in it.
        var limits: [Int64: Int] = [:]
        for entry in attempts.values.joined() {
            if let place = places[entry.key] { limits[place.process] = max(limits[place.process] ?? 0, place.position) }
        }
        var extraNames: [String] = []
        // Names become ids once, as rows are read: the rule then hashes integers, not strings.
        var ids = Dictionary(history.testNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var firstPositions: [Int64: [Int32: Int]] = [:]
        for (process, run) in try store.processRuns(before: limits) {
            var first: [Int32: Int] = [:]
            first.reserveCapacity(run.count)
            for entry in run {
                let id: Int32
                if let known = ids[entry.test] {
                    id = known
                } else {
                    // A test of a build outside the window that shared the process.
                    id = Int32(history.testNames.count + extraNames.count)
                    ids[entry.test] = id
                    extraNames.append(entry.test)
                }
                if first[id] == nil { first[id] = entry.position }
            }
            firstPositions[process] = first
        }
        var found: [Int32: OrderDependency] = [:]
        for (test, list) in attempts {
            let placed = list.compactMap { entry in places[entry.key].map { (place: $0, failed: entry.failed) } }
            let failingPlaces = placed.filter(\.failed).map(\.place)
            // The possible dependencies ran before every failure: start from the first failing
            // run's predecessors and keep those found before each later one.
            guard let first = failingPlaces.first else { continue }
            var possible = Set((firstPositions[first.process] ?? [:]).lazy.filter { $0.value < first.position && $0.key != test }.map(\.key))
            for place in failingPlaces.dropFirst() where !possible.isEmpty {
                let positions = firstPositions[place.process] ?? [:]
                possible = possible.filter { positions[$0].map { $0 < place.position } ?? false }
            }
            guard !possible.isEmpty else { continue }
            let observations = placed.map { entry in
                let positions = firstPositions[entry.place.process] ?? [:]
                var before: [Int32: Int] = [:]
                for candidate in possible {
                    if let position = positions[candidate], position < entry.place.position {
                        before[candidate] = entry.place.position - position
                    }
                }
                return OrderObservation(failed: entry.failed, before: before)
            }
            if let judgement = judge(observations) {
                let id = Int(judgement.dependsOn)
                found[test] = judgement.named(id < history.testNames.count ? history.testNames[id] : extraNames[id - history.testNames.count])
            }
        }
        return found
    }
}
