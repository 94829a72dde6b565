public import Foundation
import Model

/// One warm session's share of a first build's pytest listing: with N local workers each
/// session imports and collects about 1/N of the suite's files (`PytestWarmPlugin`), instead of
/// every session collecting all of them, and the run merges the N listings (`merge`). A file of
/// another share is collected by a session only when a grant names it.
public struct PytestListingShare: Sendable, Hashable {
    /// This share, from 0.
    public var index: Int
    /// Shares in all.
    public var count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, count <= Int(UInt8.max) + 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// "I/N", as `--prewarm-share` takes it and the plugin reads it (`TESTFLEET_WARM_SHARD`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public var text: String { "\(index)/\(count)" }

    /// The listing file of this share, beside the whole suite's `path`.
    public func path(beside path: String) -> String {
        count == 1 ? path : path + ".share-\(index)"
    }

    /// The suite's tests merged from the listings its shares wrote.
    public struct Merged: Sendable, Equatable {
        /// Every id, in collection order.
        public var ids: [String]
        /// File id (`TestFile.of` a test id) → the share that collected it.
        public var shareOfFile: [String: Int]
    }

    /// Merges the listings of shares 0..<N (each the JSON the plugin wrote, in share order):
    /// each share lists every file the suite has, in collection order, the test ids of its own
    /// files, and its modules listed as one id each (one that cannot be imported, or skipped
    /// whole). The merge puts each file's ids at the file's place, then the modules in the
    /// files' order: the order of one session's whole listing. A listing with no file list
    /// holds every id (a pytest that cannot share its collection collected it all): that one is
    /// taken as it is: a share whose plugins moved tests between files lists the whole suite so
    /// (djangorestframework-simplejwt's migration tests, run in their file's place instead of
    /// last, broke the tests of a later file in the same process). Listings that disagree on
    /// the files, or that are not the plugin's JSON, are an error naming the problem (the run
    /// then collects the suite itself).
    public static func merge(_ listings: [Data]) throws(ListingError) -> Merged {
        struct Listing: Decodable {
            var files: [String]?
            var ids: [String]
            var modules: [String]?
        }
        var decoded: [Listing] = []
        for (index, data) in listings.enumerated() {
            guard let listing = try? JSONDecoder().decode(Listing.self, from: data) else {
                throw ListingError(message: "share \(index)'s listing is not the warm plugin's JSON ({\"files\", \"ids\"})")
            }
            if listing.files == nil { return Merged(ids: listing.ids, shareOfFile: [:]) }
            decoded.append(listing)
        }
        guard let files = decoded.first?.files else { return Merged(ids: [], shareOfFile: [:]) }
        if let other = decoded.firstIndex(where: { $0.files != files }) {
            throw ListingError(message: "share \(other) listed other files than share 0 (\(decoded[other].files?.count ?? 0) against \(files.count))")
        }
        var idsOfFile: [String: [String]] = [:]
        var shareOfFile: [String: Int] = [:]
        var unplaced: [String] = []
        let known = Set(files)
        var seen = Set<String>()
        var modulesOfFile: [String: [String]] = [:]
        for (share, listing) in decoded.enumerated() {
            for (id, isModule) in listing.ids.map({ ($0, false) }) + (listing.modules ?? []).map({ ($0, true) })
            where seen.insert(id).inserted {
                let file = String(TestFile.of(id))
                guard known.contains(file) else {
                    unplaced.append(id)
                    continue
                }
                if shareOfFile[file] == nil { shareOfFile[file] = share }
                if isModule { modulesOfFile[file, default: []].append(id) } else { idsOfFile[file, default: []].append(id) }
            }
        }
        var ids: [String] = []
        ids.reserveCapacity(seen.count)
        for file in files { ids += idsOfFile[file] ?? [] }
        ids += unplaced
        for file in files { ids += modulesOfFile[file] ?? [] }
        return Merged(ids: ids, shareOfFile: shareOfFile)
    }

    /// Listings that cannot be merged.
    public struct ListingError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
