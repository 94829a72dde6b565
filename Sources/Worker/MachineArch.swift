import Foundation
public import Model

/// What this machine is, as `uname -m` says: a worker reports it unless told otherwise, so a
/// worker's arch is not whatever a flag claims (an x86_64 binary under emulation on an aarch64
/// node still runs the tests on that node's kernel and libraries).
public enum MachineArch {
    /// `uname -m` of this machine (e.g. `x86_64`, `aarch64`, `arm64`).
    public static var machine: String {
        var info = utsname()
        guard uname(&info) == 0 else { return "" }
        return withUnsafeBytes(of: &info.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// The machine's arch, normalised to x86_64 or aarch64; nil for one testfleet does not know.
    public static var detected: Arch? { Arch(parsing: machine) }

    /// The arch a worker reports and a line for its log when `override` (its `--arch`) is used.
    public static func reported(override: Arch?) -> (arch: Arch, note: String?) {
        let machine = self.machine
        guard let override else {
            guard let detected else {
                return (.current, "uname -m says '\(machine)', which is neither x86_64 nor aarch64; reporting \(Arch.current.rawValue)")
            }
            return (detected, nil)
        }
        return (override, "reporting arch \(override.rawValue) as --arch says (this machine's uname -m: \(machine))")
    }
}
