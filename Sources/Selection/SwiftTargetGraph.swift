public import Foundation
public import Model

/// The targets of a Swift package and their dependencies, from
/// `swift package describe --type json`. A change under a target's directory affects that
/// target and, transitively, every target that depends on it; the affected test targets are
/// the tests to run.
public struct SwiftTargetGraph: Sendable, Hashable {
    public struct Target: Sendable, Hashable, Decodable {
        public var name: String
        /// Package-relative directory, `/`-separated.
        public var path: String
        /// `library`, `executable`, `test`, `macro`, `plugin`, `system-target`, …
        public var type: String
        /// Targets of this package it depends on (product dependencies are other packages).
        public var targetDependencies: [String]

        public var isTest: Bool { type == "test" }

        public init(name: String, path: String, type: String, targetDependencies: [String]) {
            self.name = name
            self.path = path
            self.type = type
            self.targetDependencies = targetDependencies
        }

        enum CodingKeys: String, CodingKey {
            case name, path, type
            case targetDependencies = "target_dependencies"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            path = try container.decode(String.self, forKey: .path)
            type = try container.decodeIfPresent(String.self, forKey: .type) ?? "library"
            targetDependencies = try container.decodeIfPresent([String].self, forKey: .targetDependencies) ?? []
        }
    }

    private struct Description: Decodable {
        var targets: [Target]
    }

    /// Targets sorted by name.
    public let targets: [Target]
    /// For each target, the indices of the targets that depend on it directly.
    public let dependents: [[Int]]

    public init(targets: [Target]) {
        let sorted = targets.sorted { $0.name < $1.name }
        self.targets = sorted
        var indexByName: [String: Int] = [:]
        for (index, target) in sorted.enumerated() { indexByName[target.name] = index }
        var dependents = [[Int]](repeating: [], count: sorted.count)
        for (index, target) in sorted.enumerated() {
            for dependency in target.targetDependencies {
                if let provider = indexByName[dependency] { dependents[provider].append(index) }
            }
        }
        self.dependents = dependents
    }

    /// Decodes the output of `swift package describe --type json`.
    public init(describeJSON: Data) throws(TestfleetError) {
        do {
            self.init(targets: try JSONDecoder().decode(Description.self, from: describeJSON).targets)
        } catch {
            throw TestfleetError.badInput(
                "cannot read the package description (swift package describe --type json): \(error)")
        }
    }

    /// The target whose directory holds `path` (package-relative); the deepest one when target
    /// directories nest.
    public func target(containing path: String) -> Int? {
        var best: Int?
        var bestLength = -1
        for (index, target) in targets.enumerated() {
            let directory = target.path == "." ? "" : target.path
            let inside = directory.isEmpty || path == directory || path.hasPrefix(directory + "/")
            if inside, directory.count > bestLength {
                best = index
                bestLength = directory.count
            }
        }
        return best
    }

    /// Names of the test targets, sorted.
    public var testTargetNames: [String] { targets.filter(\.isTest).map(\.name) }
}
