public import Model

extension AttemptHistory {
    /// Builds an `AttemptHistory` from string-keyed attempts, interning names as it goes. Meant
    /// for tests, small ingests and the synthetic generator; the store can fill the tables
    /// directly from its own integer ids instead.
    public struct Builder: Sendable {
        private var testIDs: [String: Int32] = [:]
        private var workerIDs: [String: Int32] = [:]
        private var commitIDs: [String: Int32] = [:]
        public private(set) var history = AttemptHistory(testNames: [], workerNames: [], commitSHAs: [],
                                                         builds: [], records: [])

        public init() {}

        /// Interns a test name and returns its id.
        public mutating func test(_ name: String) -> Int32 { Self.intern(name, &testIDs, &history.testNames) }

        /// Interns a worker name and returns its id.
        public mutating func worker(_ name: String) -> Int32 { Self.intern(name, &workerIDs, &history.workerNames) }

        /// Returns the commit's position, appending it as the newest commit when it is new.
        /// Commits must therefore be introduced oldest first.
        public mutating func commit(_ sha: String) -> Int32 { Self.intern(sha, &commitIDs, &history.commitSHAs) }

        /// The id of `key` in `list`, appending it when new.
        private static func intern(_ key: String, _ ids: inout [String: Int32], _ list: inout [String]) -> Int32 {
            if let id = ids[key] { return id }
            let id = Int32(list.count)
            list.append(key)
            ids[key] = id
            return id
        }

        /// Appends a build on a commit (introduced with `commit(_:)` if new) and returns its index.
        @discardableResult
        public mutating func build(id: String, commit sha: String, branch: String = "main", base: String? = nil,
                                   verdict: Verdict.Decision? = nil) -> Int32 {
            let commit = self.commit(sha)
            let baseCommit = base.map { self.commit($0) }
            let index = Int32(history.builds.count)
            history.builds.append(HistoryBuild(index: index, id: id, commit: commit, sha: sha, branch: branch,
                                              baseCommit: baseCommit, verdict: verdict))
            return index
        }

        /// Appends one attempt of `test` in build `build` (an index returned by `build(…)`).
        public mutating func attempt(_ test: String, build: Int32, attempt: Int, outcome: Outcome, arch: Arch = .x86_64,
                                     worker: String = "w1", duration: Double = 0.1) {
            let record = AttemptRecord(
                test: self.test(test), build: build, commit: history.builds[Int(build)].commit,
                worker: self.worker(worker), duration: Float(duration), attempt: UInt8(clamping: attempt),
                outcome: outcome, arch: arch)
            history.records.append(record)
        }

        /// Appends a ready-made record (ids must come from this builder).
        public mutating func append(_ record: AttemptRecord) {
            history.records.append(record)
        }
    }
}
