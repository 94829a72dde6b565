// swift-tools-version:6.0
// A tiny fixture package for testfleet's swift test adapter: XCTest and Swift Testing cases with
// every outcome the adapter maps (pass, fail, skip, parameterized). Failures are deliberate.
import PackageDescription

let package = Package(
    name: "Arithmetic",
    targets: [
        .target(name: "Arithmetic"),
        .testTarget(name: "ArithmeticTests", dependencies: ["Arithmetic"]),
    ]
)
