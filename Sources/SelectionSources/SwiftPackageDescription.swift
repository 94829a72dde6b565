import Foundation
public import Model
public import Selection

/// Reads a Swift package's targets with `swift package describe --type json`.
public enum SwiftPackageDescription {
    /// The target graph of the package in `packageDirectory`. Describing may resolve the
    /// package's dependencies first, so the first call in a fresh clone can take a while.
    public static func targets(packageDirectory: String) throws(TestfleetError) -> SwiftTargetGraph {
        let output = try CommandRunner.run(["swift", "package", "describe", "--type", "json"], in: packageDirectory)
        guard output.status == 0 else {
            let detail = output.standardError.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw TestfleetError.badInput(
                "swift package describe failed in \(packageDirectory) (exit \(output.status)); "
                    + "check that it holds a Package.swift that builds:\n\(detail)")
        }
        // SwiftPM may print progress lines ("Fetching …") before the JSON document.
        let data = output.standardOutput
        let start = data.firstIndex(of: UInt8(ascii: "{")) ?? data.startIndex
        return try SwiftTargetGraph(describeJSON: data[start...])
    }
}
