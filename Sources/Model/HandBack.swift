/// Which of a grant's waiting tests a reclaim takes back.
public enum HandBack {
    /// Splits the tests after the one a grant keeps through (`tail`, in the grant's order) into
    /// those the worker keeps and those it gives back: all of them, or with `alternate` the
    /// second, the fourth, … (the first stays: pytest has set up for it). One rule for the
    /// coordinator's estimate, a worker's queued grant and a running one (`GrantReclaim`); the
    /// warm plugin's `_hand_back` slices the same way.
    public static func partition<T>(_ tail: [T], alternate: Bool) -> (kept: [T], given: [T]) {
        guard alternate else { return ([], tail) }
        var kept: [T] = [], given: [T] = []
        for (offset, element) in tail.enumerated() {
            if offset % 2 == 0 { kept.append(element) } else { given.append(element) }
        }
        return (kept, given)
    }
}
