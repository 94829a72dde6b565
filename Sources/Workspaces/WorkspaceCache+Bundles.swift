import Foundation
import Model

extension WorkspaceCache {
    /// Keeps a bundle the coordinator sent (it sends each bundle to a worker once).
    func storeBundle(_ bundle: SourceBundle) throws(TestfleetError) {
        let file = path("bundles", bundle.address)
        try withLock("bundle:\(bundle.address)") { () throws(TestfleetError) in
            if FileManager.default.fileExists(atPath: file) { return }
            try makeDirectory(path("bundles"))
            do { try Data(bundle.bytes).write(to: URL(fileURLWithPath: file), options: .atomic) } catch {
                throw .infrastructure("cannot write bundle \(bundle.address) to the worker cache: \(error)")
            }
            log("received bundle \(bundle.address) (\(bundle.bytes.count) bytes)")
        }
    }

    /// Unpacks a cached bundle into `tree`, checking it against its address first.
    func unpack(_ address: String, into tree: String) throws(TestfleetError) {
        let file = path("bundles", address)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .infrastructure("source bundle \(address) is not in this worker's cache (evicted, or never received)")
        }
        touch(file)
        let bundle = try SourceBundle(address: address, bytes: [UInt8](data))
        try makeDirectory(tree)
        let unpacked = GitCommand.run(["-x", "-f", "-", "-C", tree], program: "tar", input: Data(try bundle.tar()))
        guard unpacked.status == 0 else {
            try? FileManager.default.removeItem(atPath: tree)
            throw .infrastructure("cannot unpack source bundle \(address): \(unpacked.errorText)")
        }
    }
}
