import Model
import Planning
import Testing

/// `ProcessStartCost`: a suite keeps its collection order when a build in more processes took
/// seconds more per process and a fifth more in all; load noise and cheap processes do not.
struct ProcessStartCostTests {
    @Test func aSuiteWhoseProcessesEachPayForATableKeepsItsOrder() {
        // emoji 2.14.0's figures: in order 25.3 s in 2 processes, with long tests sent ahead
        // 43.1 s in 6.
        let inOrder = ProcessWork(tests: 102, seconds: 25.3, processes: 2)
        let moved = ProcessWork(tests: 102, seconds: 43.1, processes: 6)
        #expect(ProcessStartCost.perProcess(moved, inOrder) == (43.1 - 25.3) / 4)
        #expect(ProcessStartCost.keepsOrder(moved, inOrder))
        #expect(ProcessStartCost.keepsOrder(inOrder, moved), "either build may be the newer")
    }

    @Test func loadNoiseAndCheapProcessesDoNotStopMoves() {
        let base = ProcessWork(tests: 500, seconds: 40, processes: 3)
        // 10 % more time with one more process: 4 s per process, but no more than load moves.
        #expect(!ProcessStartCost.keepsOrder(ProcessWork(tests: 500, seconds: 44, processes: 4), base))
        // A fifth more time but spread over many processes: 0.16 s each.
        #expect(!ProcessStartCost.keepsOrder(ProcessWork(tests: 500, seconds: 48, processes: 53), base))
        // Fewer processes took longer: no evidence that processes cost anything.
        #expect(!ProcessStartCost.keepsOrder(ProcessWork(tests: 500, seconds: 60, processes: 2), base))
        // As many processes, or different tests: nothing to compare.
        #expect(ProcessStartCost.perProcess(ProcessWork(tests: 500, seconds: 80, processes: 3), base) == nil)
        #expect(ProcessStartCost.perProcess(ProcessWork(tests: 400, seconds: 80, processes: 6), base) == nil)
    }
}
