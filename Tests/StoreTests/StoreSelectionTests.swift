import Foundation
import Testing
import Model
@testable import Store

/// `build_selection` / `selection_skip`: what `run --base --head` left out, kept per build.
@Suite struct StoreSelectionTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-sel-\(UUID().uuidString)").path

    @Test func selectionRoundTripsWithItsSkipListCapped() throws {
        let store = try Store(path: directory + "/fleet.db")
        try store.createBuild(BuildSpec(id: "b1", suite: "t.toml", base: "A", head: "B"), testCount: 2)
        #expect(try store.selection(build: "b1") == nil)
        let skips = (0..<(BuildSelection.skipListCap + 5)).map {
            BuildSelection.Skip(suite: "py", test: "tests/test_\($0).py::test", reason: "imports none of the changed modules")
        }
        let selection = BuildSelection(
            base: "aaa", head: "bbb", diffBase: "aaa", selectedCount: 2, skippedCount: skips.count,
            runAllReasons: ["x (modified) is an unknown path", "second"], skipped: skips, rebaseRequired: nil)
        try store.recordSelection(build: "b1", selection)
        let stored = try #require(try store.selection(build: "b1"))
        #expect(stored.skippedCount == BuildSelection.skipListCap + 5)
        #expect(stored.skipped == Array(skips.prefix(BuildSelection.skipListCap)))
        #expect(stored.runAllReasons == selection.runAllReasons)
        #expect(stored.selectedCount == 2 && stored.base == "aaa" && stored.head == "bbb" && stored.rebaseRequired == nil)

        // Recording again (a resumed build is planned again) replaces the record.
        var refused = selection
        refused.skipped = []
        refused.rebaseRequired = "rebase required: base aaa is older than ccc which changed WATERMARK"
        try store.recordSelection(build: "b1", refused)
        #expect(try store.selection(build: "b1") == refused)
        // A selection of a build that does not exist violates the foreign key.
        #expect(throws: StoreError.self) { try store.recordSelection(build: "missing", selection) }
    }
}
