import Model

/// A plain pytest run imports every test module it collects before it runs the first test, and
/// suites rely on that: structlog's callsite tests expect `multiprocessing` to be imported by
/// then, which another of its test modules does. A warm session of a later build collects only
/// what its grants name, so the coordinator sends each worker, with its first lease of a pytest
/// suite's first attempts, the files of the build's tests of that suite, for its sessions to
/// import first (what a plain run of the same tests would import; a build that selected a few
/// tests sends only their files).
extension BuildState {
    /// The files of suite `suite`'s tests for `worker`, when it is a pytest suite and the worker
    /// has not been sent them in this build; empty otherwise.
    func testFilesToSend(suite: Int, to worker: [UInt8]) -> [String] {
        guard planned.suites.indices.contains(suite), planned.suites[suite].adapter == .pytest,
              testFilesSent[suite, default: []].insert(worker).inserted
        else { return [] }
        if let known = testFiles[suite] { return known }
        var seen = Set<Substring>()
        var files: [String] = []
        for test in planned.tests where test.suite == suite {
            let file = TestFile.of(test: test.name)
            if seen.insert(file).inserted { files.append(String(file)) }
        }
        testFiles[suite] = files
        return files
    }
}
