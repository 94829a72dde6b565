public import Model

extension TimingModel {
    /// Sets every test's `predicted` seconds from this model. A test pinned to an arch is
    /// predicted for that arch; an any-arch test for `anyArchAs` (the arch most of the build's
    /// workers have: that is where it will most likely run). A test nothing at all is known
    /// about gets `fallbackBySuite[its suite]` when given (a typical test of its framework),
    /// else `fallbackSeconds`.
    public func assignPredictions(to tests: inout [TestCase], anyArchAs: Arch, fallbackBySuite: [Double] = []) {
        for index in tests.indices {
            let prediction = prediction(test: tests[index].name, arch: tests[index].arch ?? anyArchAs)
            let suite = tests[index].suite
            tests[index].predicted = prediction.source == .fallback && fallbackBySuite.indices.contains(suite)
                ? fallbackBySuite[suite] : prediction.seconds
        }
    }
}
