import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads of lower CPU priority, for work that a latency-bound thread of the same process must
/// not queue behind for a CPU: the coordinator's loop answers every worker's `ready` with its
/// next grant while admissions (a million-test plan) and the analysis refresh run beside it. On
/// a loaded machine the scheduler otherwise shares the process's time evenly, and a grant waits
/// out slices of a seconds-long analysis.
public enum BackgroundPriority {
    /// Nice steps above the thread's current value (Linux: each thread has its own).
    public static let steps: Int32 = 10

    /// Makes the calling thread nicer by `steps` (at most 19). Only for a thread of its own:
    /// an unprivileged process cannot raise it back, so a pool thread would stay lowered.
    /// Elsewhere than Linux it does nothing.
    public static func lowerCurrentThread() {
        #if os(Linux)
        // Who 0 under PRIO_PROCESS is the calling thread on Linux (NPTL: nice is per thread).
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        guard errno == 0 else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, current + steps))
        #endif
    }

    /// Runs `body` on a new thread of lower priority, named `name`.
    public static func detach(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            lowerCurrentThread()
            body()
        }
        thread.name = name
        thread.start()
    }
}
