import Builds
import Foundation
import Model
import Transport
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
        let socket = connection.socket
        let ask = Message.previousBuildRequest(PreviousBuildRequest(suite: plan.spec.suite)).encode()
        var poller = ZMQPoller()
        let item = poller.add(socket)
        let deadline = Date(timeIntervalSinceNow: min(Self.previousBuildWaitSeconds, timeout))
        var lastSent = Date.distantPast
        while Date() < deadline {
            if Date().timeIntervalSince(lastSent) >= 1 {
                try? socket.send([ask])
                lastSent = Date()
            }
            _ = try? poller.poll(milliseconds: 100)
            try connection.checkHandshake()
            guard poller.isReadable(item) else { continue }
            while let frames = try? socket.receive(), let payload = frames.last {
                switch try? Message.decode(payload) {
                case .previousBuild(let previous)? where previous.suite == plan.spec.suite:
                    if let since = previous.commit {
                        plan.affectedFailures = BuildLifecycle.affectedFailures(of: plan, since: since, failures: previous.failures)
                    }
                    return
                case .error(let error)?:
                    throw TestfleetError(error.rejection.code, "coordinator: \(error.rejection.message)")
                default: continue
                }
            }
        }
        FileHandle.standardError.write(Data("""
            testfleet: the coordinator at \(coordinator) did not name the suite's previous build within \
            \(Int(Self.previousBuildWaitSeconds)) s; its known breaks go by history alone\n
            """.utf8))
    }
}
