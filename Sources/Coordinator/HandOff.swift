/// Loop state passed between the coordinator loop and one of its queues: a build prepared off
/// the loop on its way in (`BuildState.prepared`), finished builds on their way out to be freed.
///
/// `BuildState` is the loop's own, unlocked state; passing it is sound because the sender lets
/// go of it when it posts it, so from then on only the receiver touches it.
struct HandOff<Value>: @unchecked Sendable {
    let value: Value
}
