import Arithmetic
import Testing

/// Swift Testing cases: a pass, a deliberate failure, and a parameterized test.
@Suite struct DoublingTests {
    @Test func doublesTwo() {
        #expect(double(2) == 4)
    }

    @Test func deliberateFailure() {
        #expect(double(2) == 5, "this fixture test fails on purpose")
    }

    @Test(arguments: [0, 1, 7])
    func doublingIsAddingToItself(value: Int) {
        #expect(double(value) == add(value, value))
    }
}

/// A free function test, outside any suite.
@Test func additionIsCommutative() {
    #expect(add(3, 4) == add(4, 3))
}

/// A disabled test: Swift Testing reports it as skipped.
@Test(.disabled("skipped on purpose by the fixture"))
func disabledOnPurpose() {
    #expect(Bool(false))
}
