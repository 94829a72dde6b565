import Foundation
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

    /// A package's `__init__.py` that skips: the summary names it once, with its modules' count.
    @Test func aSkippingPackageInitListsTheTestModulesBelowIt() {
        let output = """
            no tests collected in 0.07s

            =========================== short test summary info ============================
            SKIPPED [3] pkg/md/__init__.py:7: unittest.case.SkipTest: needs recommonmark
            SKIPPED [2] pkg/other/__init__.py:1: a count that does not match what is on disk
            """
        let onDisk = ["pkg/md": ["pkg/md/sub/test_c.py", "pkg/md/test_a.py", "pkg/md/test_b.py"],
                      "pkg/other": ["pkg/other/test_x.py"]]
        #expect(PytestNodeIDs.skippedModules(in: output, excluding: []) { onDisk[$0] ?? [] } == [
            "pkg/md/sub/test_c.py", "pkg/md/test_a.py", "pkg/md/test_b.py",
        ])
    }

    /// A directory whose `conftest.py` skips it: the summary names the conftest with a count of
    /// one (the directory's collector), and the directory is the id.
    @Test func aDirectorySkippedByItsConftestIsListedAsItsPath() {
        let output = """
            tests/test_a.py::test_one

            =========================== short test summary info ============================
            SKIPPED [1] tests/benchmarks/conftest.py:14: pytest-benchmark or pytest-codspeed required
            SKIPPED [3] tests/db/conftest.py:9: a count of three: not one directory's skip
            SKIPPED [1] conftest.py:2: the rootdir's own conftest: not a directory of tests
            SKIPPED [1] tests/conftest.py:5: a directory whose tests were collected
            1 test collected in 0.05s
            """
        #expect(PytestNodeIDs.skippedModules(in: output, excluding: ["tests/test_a.py::test_one"]) == ["tests/benchmarks"])
        #expect(PytestNodeIDs.junitKey(of: "tests/benchmarks") == .init(classname: "", name: "tests.benchmarks"))
    }

    /// Under `--doctest-modules` a test module is a `Module` and a `DoctestModule` under one node
    /// id: one that skips at import is two skips, one that cannot be imported two errors, and
    /// the reports after the first are the file's collector twins (jsonpickle 4.0.0 counted
    /// `skipped=25` against a plain run's 28).
    @Test func eachCollectorsSkipOrErrorOfOneFileIsItsOwnId() {
        let output = """
            tests/test_plain.py::test_plain.double
            tests/test_plain.py::test_double

            =========================== short test summary info ============================
            ERROR tests/test_broken.py
            ERROR tests/test_broken.py
            ERROR tests/test_class.py::TestBroken
            SKIPPED [2] tests/test_optional.py:4: could not import 'absent'
            2 tests collected, 2 errors in 2.04s
            """
        let parsed = PytestNodeIDs.parseCollection(output)
        #expect(parsed.brokenCollectors == ["tests/test_broken.py", "tests/test_broken.py::<collector 2>", "tests/test_class.py::TestBroken"])
        #expect(PytestNodeIDs.skippedModules(in: output, excluding: parsed.nodeIDs + parsed.brokenCollectors) == [
            "tests/test_optional.py", "tests/test_optional.py::<collector 2>",
        ])
    }

    /// A plugin's header section before the list does not end it (alembic 1.14.0's cold
    /// listing found no node ids after SQLAlchemy's `sqlalchemy installation` section); pytest's
    /// own sections still do, with or without ids before them.
    @Test func aPluginsHeaderSectionBeforeTheListIsNotItsEnd() {
        let output = """
            =========================== sqlalchemy installation ============================
            SQLAlchemy 2.1.9 (user site loaded)
            Path: /venv/lib/python3.11/site-packages/sqlalchemy/__init__.py
            tests/test_a.py::ATest_sqlite+pysqlite_3_40_1::test_one
            tests/test_a.py::test_two

            2 tests collected in 0.50s
            """
        #expect(PytestNodeIDs.parseCollection(output).nodeIDs == [
            "tests/test_a.py::ATest_sqlite+pysqlite_3_40_1::test_one", "tests/test_a.py::test_two",
        ])
        let allBroken = """
            ==================================== ERRORS ====================================
            _____________________ ERROR collecting tests/test_b.py _____________________
            E   ImportError: cannot import name 'x' from 'pkg::mod'
            =========================== short test summary info ============================
            ERROR tests/test_b.py
            !!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
            """
        let parsed = PytestNodeIDs.parseCollection(allBroken)
        #expect(parsed.nodeIDs.isEmpty && parsed.brokenCollectors == ["tests/test_b.py"])
    }

    /// A twin runs as its file; nothing else is one, whatever its brackets.
    @Test func aCollectorTwinNamesItsFile() {
        #expect(PytestNodeIDs.twinBase(of: "tests/test_x.py::<collector 2>") == "tests/test_x.py")
        #expect(PytestNodeIDs.twinBase(of: "tests/test_x.py::<collector 13>") == "tests/test_x.py")
        #expect(PytestNodeIDs.twinBase(of: PytestNodeIDs.collectorTwin(of: "a b/test_ä.py", ordinal: 3)) == "a b/test_ä.py")
        for other in ["tests/test_x.py", "tests/test_x.py::<collector 1>", "tests/test_x.py::<collector x>",
                      "tests/test_x.py::test_p[<collector 2>]", "tests/test_x.py::T::<collector 2>",
                      "tests/test_x.py::<collector ２>"] {
            #expect(PytestNodeIDs.twinBase(of: other) == nil, "\(other)")
        }
        #expect(PytestNodeIDs.reports(of: "t.py", count: 1) == ["t.py"])
        #expect(PytestNodeIDs.reports(of: "t.py", count: 3) == ["t.py", "t.py::<collector 2>", "t.py::<collector 3>"])
    }

    @Test func theTestModulesBelowAPackageComeFromDisk() throws {
        let dir = try TemporaryDirectory()
        for file in ["pkg/md/__init__.py", "pkg/md/test_a.py", "pkg/md/helper.py", "pkg/md/sub/b_test.py", "pkg/md/sub/data.txt"] {
            let path = dir.path + "/" + file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try "".write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(PytestNodeIDs.testModules(under: "pkg/md", in: dir.path) == ["pkg/md/sub/b_test.py", "pkg/md/test_a.py"])
    }

    /// Items that share a node id (a conftest's own `Item`, as PyYAML 6.0.2's) are listed as
    /// the id and its duplicates, in collection order; only what `duplicate` writes reads back.
    @Test func nodeIdsCollectedTwiceAreListedAsDuplicates() {
        let output = """
            tests/test_y.py::test_y.py
            tests/test_y.py::test_y.py
            tests/test_y.py::test_plain
            tests/test_y.py::test_y.py

            3 tests collected in 0.05s
            """
        #expect(PytestNodeIDs.parseCollection(output).nodeIDs == [
            "tests/test_y.py::test_y.py", "tests/test_y.py::test_y.py::<duplicate 2>", "tests/test_y.py::test_plain",
            "tests/test_y.py::test_y.py::<duplicate 3>",
        ])
        let base = PytestNodeIDs.duplicateBase(of: PytestNodeIDs.duplicate(of: "a b/t.py::T::t[x::y]", ordinal: 12))
        #expect(base?.nodeID == "a b/t.py::T::t[x::y]" && base?.ordinal == 12)
        for other in ["t.py::t", "t.py::t::<duplicate 1>", "t.py::t::<duplicate 02>", "t.py::t::<duplicate -2>",
                      "t.py::t::<duplicate 2", "t.py::<collector 2>"] {
            #expect(PytestNodeIDs.duplicateBase(of: other) == nil, "\(other)")
        }
    }
}
