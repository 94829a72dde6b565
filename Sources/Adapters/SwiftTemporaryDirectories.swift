import Foundation
import Model

/// Temporary directories for SwiftPM and the tests it runs, each lent to one grant (or
/// inventory) at a time and emptied after it.
///
/// Why: every `swift build` or `swift test` on this toolchain leaves empty
/// `TemporaryDirectory.*` folders in `$TMPDIR` (7–8 a call), so a worker running swift grants
/// all day piles them up in /tmp. The names are stable (`<root>/<n>`) because SwiftPM keys its
/// manifest cache on the whole environment: a new `TMPDIR` per call would compile the
/// package's manifests again every time (1.44 s against 0.53 s for a one-test grant).
struct SwiftTemporaryDirectories: Sendable {
    let root: String

    static let shared = SwiftTemporaryDirectories(root: CacheRoot.defaultPath + "/swift-tmp")

    /// Runs `body` with a directory that no other thread or process holds (held by an `flock`
    /// on `<root>/<n>.lock`), then empties it. Nil when none can be had: the caller leaves
    /// `$TMPDIR` as it is.
    func withDirectory<T>(_ body: (String?) throws -> T) rethrows -> T {
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for n in 0..<64 {
            let fd = open(root + "/\(n).lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
            guard fd >= 0 else { break }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                continue
            }
            defer {
                flock(fd, LOCK_UN)
                close(fd)
            }
            let directory = root + "/\(n)"
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { Self.empty(directory) }
            return try body(directory)
        }
        return try body(nil)
    }

    /// `suite` with `TMPDIR` set to `directory`, unless the suite sets it itself.
    static func suite(_ suite: SuiteDefinition, in directory: String?) -> SuiteDefinition {
        guard let directory, suite.environment["TMPDIR"] == nil else { return suite }
        var lent = suite
        lent.environment["TMPDIR"] = directory
        return lent
    }

    private static func empty(_ directory: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}
