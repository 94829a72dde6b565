import Foundation

/// Whether warm framework sessions are on in this process: unless `TESTFLEET_WARM=0` is in the
/// environment. Read by the worker (which runs them) and by the planner (a warm grant costs less,
/// so grants can be smaller); `run --local` passes its environment to its workers, so both agree.
public enum WarmSetting {
    public static var enabled: Bool { ProcessInfo.processInfo.environment["TESTFLEET_WARM"] != "0" }
}
