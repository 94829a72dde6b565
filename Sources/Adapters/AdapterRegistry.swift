public import Model
public import SelectionSources

/// The adapter for each kind of suite. One place, so the worker (which runs tests) and the CLI
/// (which takes inventories) never disagree on which code handles a framework.
public enum AdapterRegistry {
    /// The adapter for `kind`, or nil when this build of testfleet has none.
    public static func adapter(for kind: AdapterKind) -> (any TestAdapter)? {
        switch kind {
        case .simulated: SimulatedAdapter()
        case .shell: ShellAdapter()
        case .pytest: PytestAdapter()
        case .swift: SwiftTestAdapter()
        case .go: GoTestAdapter()
        }
    }

    /// How `kind`'s suites take part in impact selection, or nil when its adapter cannot say.
    public static func impactProvider(for kind: AdapterKind) -> (any ImpactProvider)? {
        adapter(for: kind) as? any ImpactProvider
    }
}
