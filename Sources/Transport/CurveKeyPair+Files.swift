import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension CurveKeyPair {
    /// Writes `directory/name.key` (the secret key, mode 600, created so that no other user can
    /// ever open it) and `directory/name.pub` (the public key, mode 644). Refuses to overwrite
    /// an existing key unless `replace`. Returns the two paths.
    public func write(name: String, directory: String, replace: Bool = false) throws(CurveKeyError) -> (secret: String, public: String) {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw CurveKeyError("a key name is a plain file name (no '/', not starting with '.'), got '\(name)'")
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CurveKeyError("cannot create \(directory): \(error.localizedDescription)")
        }
        let secretPath = directory + "/" + name + ".key", publicPath = directory + "/" + name + ".pub"
        if !replace {
            for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
                throw CurveKeyError("\(path) exists; remove it first (or pass --force) to make a new key")
            }
        }
        let secretText = "# testfleet CURVE secret key '\(name)': keep private (mode 600)\n\(secretKey)\n"
        let publicText = "# testfleet CURVE public key '\(name)'\n\(publicKey)\n"
        try Self.writeFile(secretPath, secretText, mode: 0o600)
        try Self.writeFile(publicPath, publicText, mode: 0o644)
        return (secretPath, publicPath)
    }

    static func writeFile(_ path: String, _ text: String, mode: mode_t) throws(CurveKeyError) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CurveKeyError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, mode)  // the umask may have narrowed it; never widened for the secret
        let bytes = Array(text.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else {
            throw CurveKeyError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
