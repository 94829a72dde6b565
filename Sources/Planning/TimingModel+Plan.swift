public import Model

extension TimingModel {
    /// Sets every test's `predicted` seconds from this model. A test pinned to an arch is
    /// predicted for that arch; an any-arch test for `anyArchAs` (the arch most of the build's
    /// workers have: that is where it will most likely run).
    public func assignPredictions(to tests: inout [TestCase], anyArchAs: Arch) {
        for index in tests.indices {
            tests[index].predicted = predict(test: tests[index].name, arch: tests[index].arch ?? anyArchAs)
        }
    }
}
