public import Model

extension ErrorMessage {
    /// The wire code of a submitted build the coordinator refused because of its input.
    public static let badSubmit = "bad-submit"
    /// The wire code of a submitted build the coordinator could not take on through no fault of
    /// the submitter's (the store failed, …).
    public static let infrastructure = "infrastructure"

    /// The answer to a client whose submitted build was refused with `error`.
    public init(rejecting error: TestfleetError) {
        self.init(code: error.code == .badInput ? Self.badSubmit : Self.infrastructure, message: error.message)
    }

    /// A refusal as the client reports it: `bad-submit` is the submitter's input, any other code
    /// an infrastructure failure.
    public var rejection: TestfleetError {
        TestfleetError(code == Self.badSubmit ? .badInput : .infrastructure, message)
    }
}
