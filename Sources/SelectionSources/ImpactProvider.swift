public import Model
public import Selection

/// How one framework's suites take part in impact selection: what a suite's tests are and what
/// they depend on, read from the repository. Each test adapter that knows conforms in its own
/// file; a framework with none (`ImpactAnalysis.select` gets nil for it) has a suite the
/// selector knows nothing about, so only the rules decide whether it runs.
public protocol ImpactProvider: Sendable {
    /// `suite` as the selector sees it, its directory given relative to the repository root.
    func impactSuite(_ suite: SuiteDefinition, directory: String, sources: inout ImpactSources)
        throws(TestfleetError) -> ImpactSuite
}
