public import Model

extension StoreError: TestfleetErrorConvertible {
    /// A bad build id and the like are the user's to fix; anything else is the store's failure.
    public var testfleetError: TestfleetError {
        TestfleetError(isUserError ? .badInput : .infrastructure, description)
    }
}
