import Testing

@testable import Adapters

/// Modules skipped at collection become inventory entries, so counts match a plain pytest run.
@Suite struct PytestSkippedModulesTests {
    @Test func collectionSkipsFromTheShortSummaryAreListedOnce() {
        let output = """
            pkg/tests/test_a.py::test_one
            pkg/tests/test_a.py::test_two

            =========================== short test summary info ============================
            SKIPPED [1] pkg/tests/test_numpy.py:8: could not import 'numpy': No module named 'numpy'
            SKIPPED [1] pkg/linalg/tests/scipy_test.py:3: could not import 'scipy'
            SKIPPED [1] pkg/tests/test_numpy.py:8: could not import 'numpy': No module named 'numpy'
            SKIPPED [2] pkg/helpers.py:12: skipped from a helper, not a test module
            SKIPPED [1] pkg/tests/test_a.py:1: a module that also has collected tests
            2 tests collected in 0.05s
            """
        let known = ["pkg/tests/test_a.py::test_one", "pkg/tests/test_a.py::test_two"]
        #expect(PytestNodeIDs.skippedModules(in: output, excluding: known) == [
            "pkg/tests/test_numpy.py", "pkg/linalg/tests/scipy_test.py",
        ])
        // Run as a node id, pytest reports the module under this JUnit key.
        #expect(PytestNodeIDs.junitKey(of: "pkg/tests/test_numpy.py") == .init(classname: "", name: "pkg.tests.test_numpy"))
    }
}
