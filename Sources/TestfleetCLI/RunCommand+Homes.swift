import Adapters
import Model

extension RunCommand {
    /// Gives each test of a suite whose first listing the local workers shared the worker that
    /// collected its file as its home (`TestCase.home`, `PlannedBuild.homes`): that worker's
    /// warm session runs it without collecting the file again, and another worker takes it only
    /// once its own work ran out. Suites listed any other way keep no home.
    static func giveHomes(_ planned: inout PlannedBuild, fleet: LocalFleet) {
        let shares = planned.suites.map { fleet.shareOfFile(suite: $0.name) }
        guard shares.contains(where: { !$0.isEmpty }) else { return }
        for index in planned.tests.indices {
            let test = planned.tests[index]
            guard test.arch == nil, let share = shares[test.suite][String(PytestListingShare.fileID(of: test.name))] else { continue }
            planned.tests[index].home = UInt8(share)
        }
        for (share, worker) in fleet.workerIDs.enumerated() { planned.homes[worker] = UInt8(share) }
    }
}
