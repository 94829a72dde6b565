import Foundation
import Model
import Planning
import Selection
import Store

/// The `timing` table as the planner uses it: loaded into a `TimingModel` before a build is
/// planned, and fed with each finished build's durations.
enum TimingHistory {
    /// The model over every stored timing row (an empty model on a new store).
    static func model(store: Store) throws -> TimingModel {
        TimingModel(records: try store.timingRecords(TimingRecord.init(test:arch:ewma:p90:samples:)))
    }

    /// Folds a finished build's durations into the history with the model's update rule
    /// (`TimingRecord.observe`), in SQL (`Store.foldTimingSQL`, ~2× cheaper than a row loop),
    /// not through `TimingModel.observe`: that would need the whole history loaded and its
    /// medians recomputed just to write back the tests of this one build. A failure is reported,
    /// not fatal: the results and verdict are already stored, and a missing timing sample only
    /// makes one plan slightly worse.
    @discardableResult
    static func fold(store: Store, build: String) -> Int {
        do {
            return try store.foldTimingSQL(build: build, rule: rule)
        } catch {
            // An SQLite without math functions: the same rule through the raw loop.
            return foldByLoop(store: store, build: build)
        }
    }

    /// `TimingRecord`'s constants for the SQL fold.
    static let rule = Store.TimingRule(
        ewmaWeight: TimingRecord.ewmaWeight, p90StepFloor: TimingRecord.p90StepFloor,
        shortestDuration: TimingRecord.shortestDuration)

    /// The fold through `TimingRecord.observe` itself, row by row.
    @discardableResult
    static func foldByLoop(store: Store, build: String) -> Int {
        do {
            return try store.foldTiming(build: build) { state, seconds in
                var record = TimingRecord(test: "", arch: .x86_64, ewma: state.ewma, p90: state.p90, samples: state.samples)
                record.observe(seconds)
                state = TimingState(ewma: record.ewma, p90: record.p90, samples: record.samples)
            }
        } catch {
            FileHandle.standardError.write(Data("testfleet: could not update the timing history for build \(build): \(error)\n".utf8))
            return 0
        }
    }
}
