import Adapters
import Foundation
import SelectionSources
import Model
import Selection
import Testing

/// Swift suites: the target graph comes from a real `swift package describe` of a fixture
/// package committed to a fixture repository.
@Suite struct ImpactSwiftPackageTests {
    @Test func targetChangeSelectsDependentTestTargets() throws {
        let repository = try FixtureRepository()
        try repository.write([
            "pkg/Package.swift": """
                // swift-tools-version:6.0
                import PackageDescription
                let package = Package(name: "Fixture", targets: [
                    .target(name: "Lib"),
                    .target(name: "App", dependencies: ["Lib"]),
                    .target(name: "Other"),
                    .testTarget(name: "LibTests", dependencies: ["Lib"]),
                    .testTarget(name: "AppTests", dependencies: ["App"]),
                    .testTarget(name: "OtherTests", dependencies: ["Other"]),
                ])
                """,
            "pkg/Sources/Lib/Lib.swift": "public let one = 1\n",
            "pkg/Sources/App/App.swift": "import Lib\npublic let two = one + one\n",
            "pkg/Sources/Other/Other.swift": "public let three = 3\n",
            "pkg/Tests/LibTests/LibTests.swift": "import Lib\n",
            "pkg/Tests/AppTests/AppTests.swift": "import App\n",
            "pkg/Tests/OtherTests/OtherTests.swift": "import Other\n",
        ])
        try repository.commit("package")
        try repository.git("checkout", "-q", "-b", "change-lib")
        try repository.write(["pkg/Sources/Lib/Lib.swift": "public let one = 1 // documented\n"])
        try repository.commit("touch Lib")

        let suite = SuiteDefinition(name: "swift", adapter: .swift, directory: repository.root + "/pkg")
        let report = try ImpactAnalysis.select(
            in: repository.root, base: "main", head: "change-lib", suites: [suite], rules: ImpactRules(), providers: AdapterRegistry.impactProvider(for:))
        #expect(report.selection.selected.compactMap(\.test) == ["AppTests", "LibTests"])
        #expect(report.selection.skipped.compactMap(\.test) == ["OtherTests"])
        let chain = try #require(report.selection.selected.first).reasons[0]
        #expect(chain == ["pkg/Sources/Lib/Lib.swift (modified)", "target Lib", "App depends on Lib", "AppTests depends on App", "test target AppTests"])
    }
}
