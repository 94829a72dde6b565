extension BuildState {
    /// Predicted seconds of reported first attempts before `pace` trusts them.
    static let paceSamplePredictedSeconds = 1.0
    /// `pace` never goes below this: a grant's floor stays within ten times its nominal size.
    static let slowestPace = 0.1

    /// Counts a first attempt's measured and predicted seconds into `firstAttemptTotals`, in a
    /// suite's first build (the only one `pace` reads them in).
    func notePace(_ index: Int, took seconds: Double) {
        guard planned.firstBuild else { return }
        firstAttemptTotals.measured += seconds
        firstAttemptTotals.predicted += planned.tests[index].predicted
    }

    /// How many times their predictions a suite's first build's reported first attempts took,
    /// when that is under 1 (at least `slowestPace`); 1 until `paceSamplePredictedSeconds` of
    /// predictions reported, when tests run as predicted or slower, and in later builds. Why
    /// only first builds: later predictions are measured, and carry per-test overhead that no
    /// reported duration shows (`PytestAdapter`'s 0.5 ms), so a suite of 1 ms tests would run
    /// at a pace of 0.67 by design, not by a wrong guess.
    var pace: Double {
        let totals = firstAttemptTotals  // kept in first builds only (`notePace`)
        guard totals.predicted >= Self.paceSamplePredictedSeconds else { return 1 }
        return min(1, max(Self.slowestPace, totals.measured / totals.predicted))
    }

    /// The build's grant cost in its plan's predicted seconds at `pace`: what the scheduler
    /// keeps a grant's predicted work above (`GuidedScheduling.minimumGrantCosts` of them).
    ///
    /// Why: a first build predicts every test alike (`typicalTestSeconds`, 50 ms for pytest),
    /// and a suite of 5 ms tests then got grants of eight tests near its end. Each one another
    /// session's, run behind the taker's place in a fork server's child, cost ~0.2 s beyond its
    /// 0.1 s of tests (xmlschema 3.4.3's first build: 25 such grants in its last 7.7 s). At the
    /// pace the build measures, the floor holds the real work it was meant to.
    var grantCostAtPace: Double { planned.grantCost / pace }
}
