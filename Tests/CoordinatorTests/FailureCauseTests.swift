@testable import Coordinator
import Testing

/// `FailureCause` on the reports pytest writes (as `PytestWarmPlugin` sends them) and on output
/// it must not read a cause from.
@Suite struct FailureCauseTests {
    func cause(_ text: String) -> String? { FailureCause.of(output: Array(text.utf8)) }

    @Test func aFailedCallIsNamedByItsCrashLine() {
        #expect(cause("""
            @pytest.mark.mypy_testing
                def test_mypy_chunk() -> None:
            >       reveal_type(_.chunk([1, 2, 3, 4, 5], 2))
                    ^^^^^^^^^^^
            E       NameError: name 'reveal_type' is not defined

            tests/pytest_mypy_testing/test_arrays.py:10: NameError
            """) == "NameError")
        // A plain assert's E lines name no type; the crash line does.
        #expect(cause("""
                def test_sub():
            >       assert "bye" in result.output
            E       assert 'bye' in 'Typer version: 0.12.5\\n'

            tests/test_cli/test_sub.py:29: AssertionError
            """) == "AssertionError")
    }

    @Test func aSetupOrCollectionErrorIsNamedByItsLastELine() {
        #expect(cause("""
            ImportError while importing test module '/src/pydash/tasks.py'.
            Traceback:
            tasks.py:17: in <module>
                from invoke import Context, Exit, UnexpectedExit, run as _run, task
            E   ModuleNotFoundError: No module named 'invoke'
            """) == "ModuleNotFoundError")
        #expect(cause("""
            E   DeprecationWarning: 'click.utils.get_binary_stream' is deprecated and will be removed in Click 9.0.
            """) == "DeprecationWarning")
        #expect(cause("E   click.exceptions.UsageError: No such command") == "click.exceptions.UsageError")
    }

    @Test func capturedSectionsAfterTheReportAreNotRead() {
        #expect(cause("""
            >       assert debounced() == 2
            E       assert 1 == 2

            tests/test_functions.py:120: AssertionError
            ----------------------------- Captured stdout call -----------------------------
            E   ValueError: printed by the test
            other/file.py:3: KeyError
            """) == "AssertionError")
    }

    @Test func outputWithoutAPytestReportHasNoCause() {
        #expect(cause("") == nil)
        // go test's lines: prose after the place, not a type name.
        #expect(cause("    parse_test.go:12: expected 1, got 2\n--- FAIL: TestParse (0.00s)\n") == nil)
        #expect(cause("main_test.go:7: boom\n") == nil)
        #expect(cause("E       assert 1 == 2\n") == nil)
        #expect(cause("Error: something went wrong\n") == nil)
    }

    @Test func onlyTheOutputsTailIsScanned() {
        // A crash line beyond the scanned tail is not seen; one inside it is.
        let filler = String(repeating: "x\n", count: FailureCause.scannedBytes)
        #expect(cause("a.py:1: KeyError\n" + filler) == nil)
        #expect(cause(filler + "a.py:1: KeyError\n") == "KeyError")
    }
}
