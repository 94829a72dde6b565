import Adapters
import Foundation
import Model
import Selection
import SelectionSources
import Testing

/// Selection on real project layouts, checked against real pytest: each fixture repository gets
/// a breaking change on a branch, pytest runs at head, and every test file it fails must be
/// selected ("may run too much, never too little").
@Suite struct LayoutFixtureTests {
    /// A src-layout package `shop` (cart ← checkout, price) with tests outside it.
    private static let shop: [String: String] = [
        "pyproject.toml": "[project]\nname = \"shop\"\nversion = \"1\"\n",
        "src/shop/__init__.py": "",
        "src/shop/price.py": "def total(items):\n    return sum(items)\n",
        "src/shop/cart.py": "from shop.price import total\n\ndef cart_total(items):\n    return total(items)\n",
        "src/shop/checkout.py": "from .cart import cart_total\n\ndef pay(items):\n    return cart_total(items)\n",
        "src/shop/unused.py": "X = 1\n",
        "tests/test_price.py": "from shop.price import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
        "tests/test_cart.py": "from shop import cart\n\ndef test_cart():\n    assert cart.cart_total([1]) == 1\n",
        "tests/test_checkout.py": "import shop.checkout\n\ndef test_pay():\n    assert shop.checkout.pay([2]) == 2\n",
        "tests/test_plain.py": "def test_plain():\n    assert True\n",
    ]

    /// A repository holding `files` on main, and a branch `change` adding `changed` on top.
    private func repository(_ files: [String: String], change changed: [String: String]) throws -> FixtureRepository {
        let repository = try FixtureRepository()
        try repository.write(files)
        try repository.commit("project")
        try repository.git("checkout", "-q", "-b", "change")
        try repository.write(changed)
        try repository.commit("change")
        return repository
    }

    private func select(_ repository: FixtureRepository, environment: [String: String] = [:]) throws -> ImpactReport {
        let suite = SuiteDefinition(name: "unit", adapter: .pytest, directory: repository.root, environment: environment)
        return try ImpactAnalysis.select(
            in: repository.root, base: "main", head: "change", suites: [suite], rules: ImpactRules(),
            providers: AdapterRegistry.impactProvider(for:))
    }

    /// Checks the selection against pytest at head and returns the selected test files.
    @discardableResult
    private func expectNothingMissed(
        _ repository: FixtureRepository, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (selected: Set<String>, failing: Set<String>, report: ImpactReport) {
        let report = try select(repository, environment: environment)
        let selected = Set(report.selection.selected.compactMap(\.test))
        let failing = try PytestTruth.failingFiles(in: repository.root, environment: environment)
        #expect(!failing.isEmpty, "the change must break something for the check to mean anything", sourceLocation: sourceLocation)
        if !report.selection.runsEverything {
            #expect(failing.isSubset(of: selected), "missed: \(failing.subtracting(selected).sorted())", sourceLocation: sourceLocation)
        }
        return (selected, failing, report)
    }

    /// The installed project's packages are importable from src; pytest here gets that through
    /// PYTHONPATH instead of a `pip install -e .`.
    private let installed = ["PYTHONPATH": "src"]

    @Test func srcLayoutMapsTestsToThePackageNotToSrc() throws {
        let repository = try repository(Self.shop, change: ["src/shop/cart.py": "raise RuntimeError('broken')\n"])
        let (selected, failing, report) = try expectNothingMissed(repository, environment: installed)
        #expect(failing == ["tests/test_cart.py", "tests/test_checkout.py"])
        #expect(selected == failing)
        #expect(report.selection.layout.contains { $0.hasPrefix("  'src':") && $0.contains("src layout: src/shop/") })
        let chain = try #require(report.selection.selected.first { $0.test == "tests/test_checkout.py" }).reasons[0]
        #expect(chain.contains { $0.hasPrefix("src.shop.checkout imports src.shop.cart") })
    }

    @Test func conftestImportingThePackageReachesEveryTestBelowIt() throws {
        var files = Self.shop
        files["tests/conftest.py"] = "import pytest\nfrom shop.price import total\n\n@pytest.fixture\ndef summed():\n    return total([1])\n"
        let repository = try repository(files, change: ["src/shop/price.py": "raise RuntimeError('broken')\n"])
        let (selected, failing, report) = try expectNothingMissed(repository, environment: installed)
        #expect(failing.count == 4)  // conftest.py fails to load: nothing is collected
        #expect(selected == failing)
        #expect(!report.selection.runsEverything)
        let chain = try #require(report.selection.selected.first { $0.test == "tests/test_plain.py" }).reasons[0]
        #expect(chain.contains("tests/conftest.py is loaded for every test under tests/"))
    }

    @Test func pytestPythonpathSettingIsAModuleRoot() throws {
        var files: [String: String] = ["pytest.ini": "[pytest]\npythonpath = code\n"]
        for (path, text) in Self.shop where path.hasPrefix("src/") || path.hasPrefix("tests/") {
            files[path.replacingOccurrences(of: "src/", with: "code/")] = text
        }
        let repository = try repository(files, change: ["code/shop/price.py": "raise RuntimeError('broken')\n"])
        let (selected, failing, report) = try expectNothingMissed(repository)
        #expect(failing == ["tests/test_cart.py", "tests/test_checkout.py", "tests/test_price.py"])
        #expect(selected == failing)
        #expect(report.selection.layout.contains { $0.contains("'code': pythonpath = code in pytest.ini") })
    }

    @Test func namespacePackageUnderSrc() throws {
        let files: [String: String] = [
            "src/acme/billing/__init__.py": "",
            "src/acme/billing/invoice.py": "def amount():\n    return 3\n",
            "src/acme/shipping/__init__.py": "",
            "src/acme/shipping/parcel.py": "def weight():\n    return 2\n",
            "tests/test_invoice.py": "from acme.billing.invoice import amount\n\ndef test_amount():\n    assert amount() == 3\n",
            "tests/test_parcel.py": "from acme.shipping import parcel\n\ndef test_weight():\n    assert parcel.weight() == 2\n",
        ]
        let repository = try repository(files, change: ["src/acme/billing/invoice.py": "def amount():\n    return 4\n"])
        let (selected, failing, _) = try expectNothingMissed(repository, environment: installed)
        #expect(failing == ["tests/test_invoice.py"])
        #expect(selected == failing)
    }

    @Test func changedDataFileReadByATestRunsEverything() throws {
        var files = Self.shop
        files["src/shop/rates.json"] = "{\"vat\": 20}\n"
        files["tests/test_rates.py"] =
            "import json, pathlib\n\ndef test_vat():\n    path = pathlib.Path(__file__).parent.parent / 'src/shop/rates.json'\n"
            + "    assert json.loads(path.read_text())['vat'] == 20\n"
        let repository = try repository(files, change: ["src/shop/rates.json": "{\"vat\": 21}\n"])
        let (_, failing, report) = try expectNothingMissed(repository, environment: installed)
        #expect(failing == ["tests/test_rates.py"])
        #expect(report.selection.runsEverything)
        #expect(report.selection.runAllReasons[0].contains("src/shop/rates.json"))
    }

    @Test func pytestPluginsEntryReachesEveryTest() throws {
        var files = Self.shop
        files["conftest.py"] = "pytest_plugins = [\"shop.fixtures\"]\n"  // pytest allows it only at the rootdir
        files["src/shop/fixtures.py"] = "import pytest\n\n@pytest.fixture\ndef one():\n    return 1\n"
        let repository = try repository(files, change: ["src/shop/fixtures.py": "raise RuntimeError('broken')\n"])
        let (selected, failing, _) = try expectNothingMissed(repository, environment: installed)
        #expect(failing.count == 4)
        #expect(selected == failing)
    }

    /// Django's layout: the suite's command runs a script (`python tests/runtests.py`) that
    /// imports the package before any test, so a test file importing nothing still fails when the
    /// package breaks.
    @Test func runnerScriptOfTheSuiteCommandReachesEveryTest() throws {
        var files = Self.shop
        files["tests/runtests.py"] = "import sys\nimport shop\nimport pytest\n\nsys.exit(pytest.main(sys.argv[1:]))\n"
        let repository = try repository(files, change: ["src/shop/__init__.py": "raise RuntimeError('broken')\n"])
        let suite = SuiteDefinition(
            name: "unit", adapter: .pytest, directory: repository.root, command: "python3 tests/runtests.py", environment: installed)
        let report = try ImpactAnalysis.select(
            in: repository.root, base: "main", head: "change", suites: [suite], rules: ImpactRules(),
            providers: AdapterRegistry.impactProvider(for:))
        let selected = Set(report.selection.selected.compactMap(\.test))
        #expect(!report.selection.runsEverything)
        // The real runner fails the test file that imports nothing.
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        run.arguments = ["python3", "tests/runtests.py", "-q", "-p", "no:cacheprovider", "tests/test_plain.py"]
        run.currentDirectoryURL = URL(fileURLWithPath: repository.root)
        run.environment = ProcessInfo.processInfo.environment.merging(installed) { $1 }
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        run.waitUntilExit()
        #expect(run.terminationStatus != 0)
        #expect(selected.contains("tests/test_plain.py"))
        let chain = report.selection.selected.first { $0.test == "tests/test_plain.py" }?.reasons.first ?? []
        #expect(chain.contains { $0.contains("the suite's command runs tests/runtests.py for every test") })
    }

    @Test func moduleNoTestNeedsRunsItsPackageOrEverything() throws {
        var files = Self.shop
        files["tools/report.py"] = "print('report')\n"
        let repository = try repository(files, change: ["src/shop/unused.py": "X = 2\n"])
        let report = try select(repository, environment: installed)
        #expect(!report.selection.runsEverything)
        #expect(Set(report.selection.selected.compactMap(\.test)) == ["tests/test_cart.py", "tests/test_checkout.py", "tests/test_price.py"])
        #expect(report.selection.selected[0].reasons[0][0].contains("needed by no test"))

        try repository.write(["tools/report.py": "print('report 2')\n"])
        try repository.commit("script")
        let script = try select(repository, environment: installed)
        #expect(script.selection.runsEverything)
        #expect(script.selection.runAllReasons.contains { $0.contains("tools/report.py") && $0.contains("needed by no test") })
        // --explain says which roots were used and why everything runs.
        let explained = script.text(explain: true)
        #expect(explained.contains("suite unit: module roots (directories on sys.path, relative to '.'):"))
        #expect(explained.contains("  'src': PYTHONPATH in the suite's env; src layout: src/"))
        #expect(explained.contains("everything runs: tools/report.py (modified): module tools.report is needed by no test"))
        #expect(explained.contains("a layout testfleet does not understand"))
    }
}

/// Real pytest as the judge of what a change breaks.
enum PytestTruth {
    /// The test files with a failing or erroring test; every test file when a conftest.py cannot
    /// be loaded (pytest then collects nothing).
    static func failingFiles(in root: String, environment: [String: String]) throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-m", "pytest", "-q", "--tb=no", "-rfE", "-p", "no:cacheprovider", "--continue-on-collection-errors",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // A conftest.py or plugin that cannot be loaded stops pytest before any test (exit 4, or
        // a bare traceback): every test fails. A session that ran ends with a summary line.
        let summary = text.split(separator: "\n").contains { line in
            ["passed", "failed", "error", "skipped", "no tests ran"].contains { line.contains($0) }
                && line.contains(" in ")
        }
        if process.terminationStatus == 4 || text.contains("while loading conftest") || !summary {
            let files = try GitFixtureFiles.list(root)
            return Set(files.filter { ($0.split(separator: "/").last ?? "").hasPrefix("test_") })
        }
        var failing: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("FAILED ") || line.hasPrefix("ERROR ") {
            let id = line.split(separator: " ")[1]
            failing.insert(String(id.split(separator: ":")[0]))
        }
        return failing
    }
}

/// The files of a working tree, for the "everything fails" case.
enum GitFixtureFiles {
    static func list(_ root: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasPrefix(".git") || path.contains("__pycache__") { continue }
            if path.hasSuffix(".py") { files.append(path) }
        }
        return files
    }
}

/// The scan cache only saves work: a warm, a damaged and a relocated cache give the selection a
/// cold one gives.
@Suite struct ScanCacheTests {
    @Test func cachedScansSelectLikeFreshOnes() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "feature")
        try repository.write(["app/core.py": "from app.util import double\n\ndef quad(x):\n    return double(x) * 2\n"])
        try repository.commit("change core")
        let suite = SuiteDefinition(name: "unit", adapter: .pytest, directory: repository.root)
        func selected() throws -> [String] {
            try ImpactAnalysis.select(
                in: repository.root, base: "main", head: "feature", suites: [suite], rules: ImpactRules(),
                providers: AdapterRegistry.impactProvider(for:))
                .selection.selected.compactMap(\.test)
        }
        let cacheFile = repository.root + "/.git/testfleet-scan-cache"
        let cold = try selected()
        #expect(cold == ["tests/test_api.py", "tests/test_core.py"])
        let written = try String(contentsOfFile: cacheFile, encoding: .utf8)
        #expect(written.hasPrefix("testfleet-scan-cache 1 "))
        #expect(written.contains("\tf\t0\t1\t0\tapp.util\tdouble\n"))  // app/core.py's import
        #expect(try selected() == cold)
        try "testfleet-scan-cache 1 damaged\nnot a record\n".write(toFile: cacheFile, atomically: true, encoding: .utf8)
        #expect(try selected() == cold)
        #expect(try String(contentsOfFile: cacheFile, encoding: .utf8).hasPrefix(String(written.prefix(while: { $0 != "\n" }))))
    }
}
