import Model

/// One test's final outcome, folded from its attempts in attempt order by the rule of
/// `Store.finalOutcomePerTest`: its last attempt's outcome, or passed when its first attempt
/// failed and a later one passed (a test's retries go out together, so the attempt numbered
/// last need not be the one that ended it). The summary's and the trend totals' folders both
/// count by it.
struct FinalOutcomeFold {
    /// Attempts folded so far.
    private(set) var attempts = 0
    /// Whether any of them failed.
    private(set) var anyFailed = false
    private var last = Outcome.passed
    private var firstFailed = false
    private var passed = false

    mutating func add(_ outcome: Outcome) {
        if attempts == 0 { firstFailed = outcome.isFailure }
        attempts += 1
        last = outcome
        if outcome.isFailure { anyFailed = true } else if outcome == .passed { passed = true }
    }

    /// The test's final outcome (meaningful once an attempt was folded).
    var outcome: Outcome { firstFailed && passed ? .passed : last }
}
