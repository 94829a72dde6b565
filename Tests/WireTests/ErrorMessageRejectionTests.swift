import Model
import Testing
import Wire

@Suite struct ErrorMessageRejectionTests {
    @Test func aRejectionKeepsItsCodeAndMessageAcrossTheWire() throws {
        for error in [TestfleetError.badInput("suite file: unknown key 'colour'"), .infrastructure("disk full")] {
            let sent = Message.error(ErrorMessage(rejecting: error)).encode()
            guard case .error(let received) = try Message.decode(sent) else {
                Issue.record("not an error message")
                continue
            }
            #expect(received.rejection == error)
        }
        #expect(ErrorMessage(rejecting: .badInput("x")).code == "bad-submit", "the code older clients know")
    }
}
