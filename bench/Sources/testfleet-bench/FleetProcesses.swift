// Real testfleet processes for the fleet benchmarks (balance, grant-latency, coordinator-rss):
// a `testfleet coordinator` and `testfleet worker`s of the release build, on a loopback TCP
// port the OS picked for nobody else, in a temporary directory of their own.
import Foundation

/// A coordinator process and its workers, killed (SIGKILL, by pid) when the bench is done.
final class BenchFleet {
    let directory: String
    let endpoint: String
    let coordinator: Process
    private(set) var workers: [Process] = []
    static var binary: String {
        ProcessInfo.processInfo.environment["TESTFLEET_BIN"] ?? URL(fileURLWithPath: "/proc/self/exe")
            .resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("testfleet").path
    }

    /// Starts a coordinator with a fresh store; `extra` are more coordinator flags.
    init(extra: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        endpoint = "tcp://127.0.0.1:\(try Self.freePort())"
        coordinator = try Self.spawn(["coordinator", "--bind", endpoint, "--db", directory + "/fleet.db"] + extra,
                                     log: directory + "/coordinator.log", in: directory)
    }

    var storePath: String { directory + "/fleet.db" }

    /// Starts a worker process (`testfleet worker`), its log beside the store.
    func addWorker(id: String, slots: Int, extra: [String] = []) throws {
        workers.append(try Self.spawn(["worker", "--connect", endpoint, "--id", id, "--slots", String(slots)] + extra,
                                      log: directory + "/worker-\(id).log", in: directory))
    }

    /// VmRSS of the coordinator process, bytes.
    var coordinatorRSS: Int? { Self.rss(of: coordinator.processIdentifier) }

    func stop(keep: Bool = false) {
        for process in workers + [coordinator] where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if !keep { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func spawn(_ arguments: [String], log: String, in directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A TCP port on 127.0.0.1 the kernel just handed out (bound, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchFailure("could not get a free TCP port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// VmRSS of a live process, bytes (nil once it is gone).
    static func rss(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.filter(\.isNumber)).map { $0 * 1024 }
        }
        return nil
    }
}

/// A benchmark that could not run as designed (the message says why).
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Percentile of an ascending list (nearest rank).
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
