extension PlannedBuild {
    /// Gives each test of a suite whose first listing the workers shared the share that
    /// collected its file as its home (`TestCase.home`), and each worker its share (`homes`;
    /// worker `i` of `workers` collected share `i`): that worker's warm session runs the test
    /// without collecting its file again, and another worker takes it only once its own work ran
    /// out. `shareOfFile`: suite name → file (`TestFile.of` a test) → share. Tests pinned to an
    /// arch, and suites listed any other way, keep no home.
    public mutating func giveHomes(shareOfFile: [String: [String: Int]], workers: [String]) {
        let shares = suites.map { shareOfFile[$0.name] ?? [:] }
        guard shares.contains(where: { !$0.isEmpty }) else { return }
        for index in tests.indices where tests[index].arch == nil {
            guard let share = shares[tests[index].suite][String(TestFile.of(tests[index].name))] else { continue }
            tests[index].home = UInt8(share)
        }
        for (share, worker) in workers.enumerated() { homes[worker] = UInt8(share) }
    }
}
