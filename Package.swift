// swift-tools-version:6.0
// testfleet: a distributed test runner and flaky-test analyser.
//
// Layers, bottom up (a module may import only modules above it in this list):
//   CZMQ, CLZ4        system-library shims
//   Model             value types, no dependencies
//   Wire              versioned message encoding + LZ4 payload codec
//   Transport         ZeroMQ sockets and poller, CURVE keys and the ZAP allow-list
//   Store             SQLite through GRDB (migrations) with a raw-statement ingest path
//   Selection         pure: rules, globs, Python import graph, Swift target graph, the selector
//   Config            the whole suite file (testfleet.toml): [[suite]] and [rules]
//   SelectionSources  selection's I/O: git, Python source trees, swift package describe, watermark
//   Planning, JUnit   pure code: timing, queue, scheduling; JUnit XML read/write
//   Adapters          one file per test framework, plus the process runner
//   Workspaces        a worker's cache of build code: git mirrors, checkouts per commit, source
//                     bundles, each suite's setup once per commit
//   Coordinator, Worker, Analyzer   the three roles; they never import each other
//   Builds            one build's lifecycle: plan (suites, selection, inventory, timing) and
//                     finish (gate, stored verdict, timing fold, snapshot refresh); the CLI hands
//                     it to the coordinator as closures (the coordinator does not import it)
//   Dashboard         HTTP API, Prometheus metrics and HTML pages (Hummingbird 2), over Store and
//                     Analyzer; only it and the CLI depend on Hummingbird (its build is minutes)
//   BenchSupport      baseline schedulers, the simulated cluster, synthetic flaky histories and
//                     their scoring: for testfleet-bench and tests only, never in the product
//   TestfleetCLI      swift-argument-parser commands: parse, call, print
//   testfleet         the thin executable
import PackageDescription

/// Strict settings, once for every target of ours.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let grdbSQLite: Target.Dependency = .product(name: "GRDBSQLite", package: "GRDB.swift")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "testfleet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "testfleet", targets: ["testfleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        // Hummingbird's own logging API (to quiet its connection logs); already in its graph.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ"),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4"),

        .target(name: "Model", swiftSettings: strict),
        .target(name: "Wire", dependencies: ["Model", "CLZ4"], swiftSettings: strict),
        .target(name: "Transport", dependencies: ["CZMQ"], swiftSettings: strict),
        .target(name: "Store", dependencies: ["Model", grdb, grdbSQLite], swiftSettings: strict),
        .target(name: "Planning", dependencies: ["Model"], swiftSettings: strict),
        .target(name: "Selection", dependencies: ["Model"], swiftSettings: strict),
        .target(
            name: "Config", dependencies: ["Model", "Selection", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict),
        .target(name: "JUnit", dependencies: ["Model"], swiftSettings: strict),
        .target(name: "SelectionSources", dependencies: ["Model", "Selection", "Config"], swiftSettings: strict),
        .target(name: "Adapters", dependencies: ["Model", "JUnit", "Selection", "SelectionSources"], swiftSettings: strict),
        .target(
            name: "Coordinator",
            dependencies: ["Model", "Wire", "Transport", "Store", "Planning"],
            swiftSettings: strict),
        .target(
            name: "Worker",
            dependencies: ["Model", "Wire", "Transport", "Adapters", "Workspaces"],
            swiftSettings: strict),
        .target(name: "Workspaces", dependencies: ["Model", "Wire", "Adapters", "SelectionSources"], swiftSettings: strict),
        .target(name: "Analyzer", dependencies: ["Model", "Store"], swiftSettings: strict),
        .target(name: "Dashboard", dependencies: ["Model", "Store", "Analyzer", hummingbird, logging], swiftSettings: strict),
        .target(name: "BenchSupport", dependencies: ["Model", "Planning", "Analyzer"], swiftSettings: strict),
        .target(
            name: "Builds",
            dependencies: [
                "Model", "Wire", "Store", "Config", "Selection", "SelectionSources", "Planning", "JUnit", "Adapters", "Analyzer",
            ],
            swiftSettings: strict),
        .target(
            name: "TestfleetCLI",
            dependencies: [
                "Model", "Wire", "Transport", "Store", "Planning", "Selection", "JUnit", "Adapters", "Config",
                "SelectionSources",
                "Coordinator", "Worker", "Workspaces", "Analyzer", "Builds", "Dashboard", argumentParser,
            ],
            swiftSettings: strict),
        .executableTarget(name: "testfleet", dependencies: ["TestfleetCLI"], swiftSettings: strict),
        .executableTarget(
            name: "testfleet-bench",
            dependencies: [
                "Model", "Wire", "Transport", "Store", "Planning", "Selection", "JUnit", "Analyzer", "Adapters", "SelectionSources",
                "BenchSupport", "Builds", grdbSQLite,
            ],
            path: "bench/Sources/testfleet-bench",
            swiftSettings: strict),

        .testTarget(name: "ModelTests", dependencies: ["Model"], swiftSettings: strict),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Model"], swiftSettings: strict),
        .testTarget(name: "JUnitTests", dependencies: ["JUnit", "Model"], swiftSettings: strict),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Model"], swiftSettings: strict),
        .testTarget(name: "CoordinatorTests", dependencies: ["Coordinator", "Model", "Store", "Wire"], swiftSettings: strict),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "Model", "Wire"], swiftSettings: strict),
        .testTarget(
            name: "WorkspacesTests", dependencies: ["Workspaces", "Model", "Wire", "TestSupport"], swiftSettings: strict),
        // Test helpers shared by test targets (a real git repository built commit by commit).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "SelectionTests", dependencies: ["Selection", "SelectionSources", "Config", "Model", "Adapters", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "BuildsTests", dependencies: ["Builds", "Store", "Model", "Analyzer", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "AnalyzerTests", dependencies: ["Analyzer", "Store", "Model", "BenchSupport"], swiftSettings: strict),
        .testTarget(
            name: "BenchSupportTests", dependencies: ["BenchSupport", "Planning", "Analyzer", "Model"], swiftSettings: strict),
        .testTarget(name: "WireTests", dependencies: ["Wire", "Model", "Transport"], swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Model"], swiftSettings: strict),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "Model", "JUnit"], swiftSettings: strict),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "Analyzer", "Store", "Model", "Builds", "Coordinator", hummingbird],
            swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Model", "Store", "Wire", "Transport", "JUnit", "Planning", "TestSupport"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
