import Model
import Testing

@Suite struct TestfleetErrorTests {
    /// A module's own error type that knows whose fault it is.
    struct QuotaError: TestfleetErrorConvertible {
        var testfleetError: TestfleetError { .badInput("over quota; ask for less") }
    }

    struct SocketClosed: Error {}

    @Test func anyErrorBecomesTestfleetsWithTheRightCode() {
        #expect(TestfleetError(TestfleetError.gateFailed("blocked")) == .gateFailed("blocked"))
        #expect(TestfleetError(QuotaError()) == .badInput("over quota; ask for less"))
        let unknown = TestfleetError(SocketClosed())
        #expect(unknown.code == .infrastructure)
        #expect(unknown.message.contains("SocketClosed"))
    }

    @Test func codesAreTheDocumentedExitCodes() {
        #expect(TestfleetError.Code.allCases.map(\.rawValue) == [1, 2, 3])
    }
}
