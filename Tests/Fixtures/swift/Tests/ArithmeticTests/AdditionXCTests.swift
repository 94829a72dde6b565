import Arithmetic
import XCTest

/// XCTest cases: one passes, one fails on purpose, one skips via XCTSkip.
final class AdditionXCTests: XCTestCase {
    func testAddsSmallNumbers() {
        XCTAssertEqual(add(2, 3), 5)
    }

    func testDeliberateFailure() {
        XCTAssertEqual(add(2, 2), 5, "this fixture test fails on purpose")
    }

    func testSkipped() throws {
        throw XCTSkip("skipped on purpose by the fixture")
    }
}
