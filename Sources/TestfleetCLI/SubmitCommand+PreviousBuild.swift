import Builds
import Foundation
import Model
import Wire

extension SubmitCommand {
    /// Seconds `submit` waits for the coordinator to name the suite's previous build.
    static let previousBuildWaitSeconds = 5.0

    /// The known-break lapse for a coordinator without a checkout: asks it for the suite's
    /// previous build and that build's failures, and sets `plan.affectedFailures` to those the
    /// change since that build's commit can affect, measured in this checkout. A coordinator
    /// that does not answer in time (an older one ignores the question) leaves the plan as it
    /// was: its known breaks then go by history alone.
    func measureAffectedFailures(of plan: inout PlannedBuild, connection: CoordinatorConnection) throws {
        guard !plan.spec.isSimulated, plan.spec.commit != nil, !plan.tests.isEmpty else { return }
        let suite = plan.spec.suite
        let previous = try connection.ask(.previousBuildRequest(PreviousBuildRequest(suite: suite)),
                                          until: Date(timeIntervalSinceNow: min(Self.previousBuildWaitSeconds, timeout)),
                                          resendSeconds: 1, pollMilliseconds: 100) { message -> PreviousBuild? in
            switch message {
            case .previousBuild(let previous) where previous.suite == suite: return previous
            case .error(let error): throw TestfleetError(error.rejection.code, "coordinator: \(error.rejection.message)")
            default: return nil
            }
        }
        guard let previous else {
            FileHandle.standardError.write(Data("""
                testfleet: the coordinator at \(coordinator) did not name the suite's previous build within \
                \(Int(Self.previousBuildWaitSeconds)) s; its known breaks go by history alone\n
                """.utf8))
            return
        }
        if let since = previous.commit {
            plan.affectedFailures = BuildLifecycle.affectedFailures(of: plan, since: since, failures: previous.failures)
        }
    }
}
