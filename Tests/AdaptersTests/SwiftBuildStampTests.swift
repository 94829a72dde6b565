import Foundation
import Model
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

/// The temporary directories lent to swift calls: one holder at a time, stable names, emptied.
@Suite struct SwiftTemporaryDirectoriesTests {
    @Test func eachHolderGetsItsOwnDirectoryEmptiedAfterAndTheNamesStay() throws {
        let root = NSTemporaryDirectory() + "testfleet-swift-tmp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let lender = SwiftTemporaryDirectories(root: root)
        let (outer, inner) = lender.withDirectory { outer in
            #expect(FileManager.default.createFile(atPath: (outer ?? "") + "/TemporaryDirectory.left", contents: nil))
            return (outer, lender.withDirectory { $0 })
        }
        #expect(outer == root + "/0" && inner == root + "/1", "a holder's directory is not lent twice")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/0").isEmpty, "emptied after its holder")
        #expect(lender.withDirectory { $0 } == root + "/0", "the same name again: SwiftPM's manifest cache keys on it")

        let suite = SuiteDefinition(name: "s", adapter: .swift, directory: "/p")
        #expect(SwiftTemporaryDirectories.suite(suite, in: root + "/0").environment["TMPDIR"] == root + "/0")
        var own = suite
        own.environment["TMPDIR"] = "/mine"
        #expect(SwiftTemporaryDirectories.suite(own, in: root + "/0").environment["TMPDIR"] == "/mine", "the suite's own wins")
    }
}
