/// A CPU architecture a worker runs on.
public enum Arch: String, Sendable, Codable, CaseIterable, Hashable {
    case x86_64
    case aarch64

    /// The architecture this process was compiled for.
    public static var current: Arch {
        #if arch(arm64)
        return .aarch64
        #else
        return .x86_64
        #endif
    }

    /// Accepts the common spellings (`amd64`, `arm64`) as well as the canonical names.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "x86_64", "amd64", "x64": self = .x86_64
        case "aarch64", "arm64": self = .aarch64
        default: return nil
        }
    }
}

/// Where a suite's tests must run.
public enum ArchRequirement: Sendable, Hashable, Codable {
    /// On whichever worker asks first.
    case any
    /// Only on workers of this architecture.
    case only(Arch)
    /// Once on each architecture that has a worker in the build.
    case every

    /// Parses `any`, `every`, or an architecture name.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "any": self = .any
        case "every", "all": self = .every
        default:
            guard let arch = Arch(parsing: text) else { return nil }
            self = .only(arch)
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .every: "every"
        case .only(let arch): arch.rawValue
        }
    }
}
