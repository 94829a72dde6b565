import Foundation
import Testing

@testable import Adapters

/// Build stamps on disk: what one worker process (or a run's inventory) built, the next one
/// trusts, as long as the fingerprint is the same.
@Suite struct SwiftBuildStampTests {
    @Test func aStampOnDiskVouchesForTheSameFingerprintOnly() throws {
        let folder = NSTemporaryDirectory() + "testfleet-stamps-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let builder = SwiftBuildStamp(folder: folder)
        builder.markBuilt("/pkg\u{0}swift", fingerprint: "12:3400:99.5|P.xctest@7")

        let next = SwiftBuildStamp(folder: folder)
        #expect(next.isBuilt("/pkg\u{0}swift", fingerprint: "12:3400:99.5|P.xctest@7"), "another process, same sources")
        #expect(!next.isBuilt("/pkg\u{0}swift", fingerprint: "13:3400:99.5|P.xctest@7"), "a file added since")
        #expect(!next.isBuilt("/other\u{0}swift", fingerprint: "12:3400:99.5|P.xctest@7"), "another package")
        #expect(!SwiftBuildStamp(folder: nil).isBuilt("/pkg\u{0}swift", fingerprint: "12:3400:99.5|P.xctest@7"),
                "without a folder, stamps stay in their process")

        // A rebuild replaces the stamp; no temporary file is left behind.
        builder.markBuilt("/pkg\u{0}swift", fingerprint: "13:3400:99.5|P.xctest@8")
        #expect(SwiftBuildStamp(folder: folder).isBuilt("/pkg\u{0}swift", fingerprint: "13:3400:99.5|P.xctest@8"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)
    }
}
