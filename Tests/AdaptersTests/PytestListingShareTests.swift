import Foundation
import Testing
@testable import Adapters

/// Merging the listings of a first build's shares (pure): the files' order from the shares,
/// each file's ids from the share that collected it.
@Suite struct PytestListingShareTests {
    private func listing(files: [String]?, ids: [String], modules: [String] = []) -> Data {
        var object: [String: Any] = ["ids": ids, "modules": modules]
        if let files { object["files"] = files }
        return try! JSONSerialization.data(withJSONObject: object)
    }

    @Test func sharesMergeInCollectionOrder() throws {
        let files = ["t/test_a.py", "t/test_broken.py", "t/test_b.py", "t/test_c.py", "t/test_skipped.py"]
        let merged = try PytestListingShare.merge([
            listing(files: files, ids: ["t/test_a.py::x", "t/test_a.py::y[1]", "t/test_c.py::z"], modules: ["t/test_broken.py"]),
            listing(files: files, ids: ["t/test_b.py::T::w"], modules: ["t/test_skipped.py"]),
        ])
        // As one session's whole listing: test ids in collection order, then the modules.
        #expect(merged.ids == ["t/test_a.py::x", "t/test_a.py::y[1]", "t/test_b.py::T::w", "t/test_c.py::z",
                               "t/test_broken.py", "t/test_skipped.py"])
        #expect(merged.shareOfFile == ["t/test_a.py": 0, "t/test_broken.py": 0, "t/test_b.py": 1, "t/test_c.py": 0,
                                       "t/test_skipped.py": 1])
    }

    @Test func aListingOfEveryIdIsTakenAsItIsAndDisagreementIsAnError() throws {
        let whole = try PytestListingShare.merge([listing(files: ["a.py"], ids: ["a.py::x"]), listing(files: nil, ids: ["a.py::x", "b.py::y"])])
        #expect(whole == .init(ids: ["a.py::x", "b.py::y"], shareOfFile: [:]))
        #expect(throws: PytestListingShare.ListingError.self) {
            try PytestListingShare.merge([listing(files: ["a.py"], ids: []), listing(files: ["a.py", "b.py"], ids: [])])
        }
        #expect(throws: PytestListingShare.ListingError.self) { try PytestListingShare.merge([Data("[\"a.py::x\"]".utf8)]) }
    }

    @Test func sharesParseAndNameTheirFiles() {
        #expect(PytestListingShare(parsing: "1/2") == PytestListingShare(index: 1, count: 2))
        for bad in ["2/2", "-1/2", "1", "a/b", "0/0", "0/300"] { #expect(PytestListingShare(parsing: bad) == nil, "\(bad)") }
        #expect(PytestListingShare(index: 1, count: 2)!.path(beside: "/l/x.json") == "/l/x.json.share-1")
        #expect(PytestListingShare(index: 0, count: 1)!.path(beside: "/l/x.json") == "/l/x.json")
    }
}
