/// Every test's `TestScan`, kept with its per-build observations packed into one 64-bit word
/// each (8 bytes instead of 28): what a streamed analysis keeps of a window between reading a
/// test and judging it, since the suite prior needs every test's scan first.
///
/// A word holds the build index (32 bits), the four pass/failure counts (7 bits each) and the
/// two flags; the commit is the build's. A test with a count over 127, or an observation whose
/// commit is not its build's, keeps its observations unpacked, so decoding always gives back
/// exactly the scan that was stored.
struct PackedScans: Sendable {
    /// Each test's scan; its observations are empty where `packed` holds them.
    private var scans: [TestScan]
    /// Each test's packed observations (empty: none, or kept unpacked in `scans`).
    private var packed: [[UInt64]]
    /// The commit position of each build index.
    private let buildCommits: [Int32]

    private static let countBits: UInt64 = 7
    private static let countLimit: Int32 = 1 << 7 - 1

    init(testCount: Int, buildCommits: [Int32]) {
        scans = [TestScan](repeating: TestScan(), count: testCount)
        packed = [[UInt64]](repeating: [], count: testCount)
        self.buildCommits = buildCommits
    }

    var count: Int { scans.count }

    /// Stores `scan` as test `test`'s.
    mutating func store(_ scan: TestScan, test: Int) {
        var scan = scan
        if let words = pack(scan.observations) {
            packed[test] = words
            scan.observations = []
        } else {
            packed[test] = []
        }
        scans[test] = scan
    }

    /// Test `test`'s scan as stored.
    func scan(_ test: Int) -> TestScan {
        let words = packed[test]
        guard !words.isEmpty else { return scans[test] }
        var scan = scans[test]
        scan.observations = words.map { word in
            let build = Int32(bitPattern: UInt32(truncatingIfNeeded: word))
            var observation = TestScan.BuildObservation(build: build, commit: buildCommits[Int(build)])
            observation.passes = (Self.count(word, 0), Self.count(word, 1))
            observation.failures = (Self.count(word, 2), Self.count(word, 3))
            observation.passedAfterFailure = word & (1 << 60) != 0
            observation.sideBranch = word & (1 << 61) != 0
            return observation
        }
        return scan
    }

    private static func fits(_ count: Int32) -> Bool { count >= 0 && count <= countLimit }

    private static func count(_ word: UInt64, _ slot: UInt64) -> Int32 {
        Int32(truncatingIfNeeded: (word >> (32 + slot * countBits)) & UInt64(countLimit))
    }

    /// The words for `observations`, or nil when one does not fit a word exactly.
    private func pack(_ observations: [TestScan.BuildObservation]) -> [UInt64]? {
        var words: [UInt64] = []
        words.reserveCapacity(observations.count)
        for observation in observations {
            let (passes, failures) = (observation.passes, observation.failures)
            guard observation.build >= 0, Int(observation.build) < buildCommits.count,
                  buildCommits[Int(observation.build)] == observation.commit,
                  Self.fits(passes.0), Self.fits(passes.1), Self.fits(failures.0), Self.fits(failures.1)
            else { return nil }
            var word = UInt64(UInt32(bitPattern: observation.build))
            word |= UInt64(passes.0) << 32 | UInt64(passes.1) << (32 + Self.countBits)
            word |= UInt64(failures.0) << (32 + 2 * Self.countBits) | UInt64(failures.1) << (32 + 3 * Self.countBits)
            if observation.passedAfterFailure { word |= 1 << 60 }
            if observation.sideBranch { word |= 1 << 61 }
            words.append(word)
        }
        return words
    }
}
