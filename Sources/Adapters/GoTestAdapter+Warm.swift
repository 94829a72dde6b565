public import Model

/// Warm go: each package's test binary is compiled once per worker and code (`go test -c`, kept
/// by `GoTestBinaries`) and every grant starts that binary with `-test.run` under test2json,
/// which is what `go test -json` does after its build step. Results, subtests folded into their
/// parent, a panic's rerun of the tests it kept from starting and the per-test timeout (the
/// stall watch) are those of the cold path, since both read the same event stream.
///
/// Every attempt may use it, retries included: each grant is a new process of the binary, so no
/// state carries over from one run to the next. A package whose binary cannot be had (it does
/// not compile, no go.mod above the suite) runs through plain `go test`, which reports why.
extension GoTestAdapter {
    /// Runs `tests` through `binaries`; `code` is the build's commit (nil when the grant has no
    /// checkout: the module's files are fingerprinted instead) and `build` its id.
    public func runWarm(_ tests: [String], of suite: SuiteDefinition, code: String?, build: String,
                        binaries: GoTestBinaries, report: (AdapterResult) -> Void) {
        let words = words(suite)
        run(tests, of: suite, binary: { package in
            binaries.binary(for: package, suite: suite, code: code, build: build, words: words, timeout: buildTimeout)
        }, report: report)
    }
}
