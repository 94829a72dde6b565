#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29) is not visible through Swift's Glibc
/// module (it sits behind `_GNU_SOURCE`), so it is looked up by name once.
private typealias AddChdir = @convention(c) (
    UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?
) -> Int32

private let addChdir: AddChdir? = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: AddChdir.self)
}()

/// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34), hidden the same way: closes every
/// descriptor ≥ 3 in the child, so a test never inherits a descriptor some other code in this
/// process opened without close-on-exec (a socket, a database, another run's pipe).
private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

private let addClosefrom: AddClosefrom? = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: AddClosefrom.self)
}()

/// `pipe2` is hidden the same way; it sets close-on-exec atomically, which matters because
/// another thread may spawn a process between `pipe()` and `fcntl()` and inherit the write end
/// (that child would then hold our pipe open).
private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

private let pipe2Function: Pipe2? = {
    guard let symbol = dlsym(nil, "pipe2") else { return nil }
    return unsafeBitCast(symbol, to: Pipe2.self)
}()

/// A close-on-exec pipe (plus `extraFlags` such as `O_NONBLOCK` on both ends): [read, write].
func makePipe(extraFlags: Int32 = 0) -> [Int32]? {
    var fds: [Int32] = [-1, -1]
    if let pipe2Function {
        return pipe2Function(&fds, O_CLOEXEC | extraFlags) == 0 ? fds : nil
    }
    guard pipe(&fds) == 0 else { return nil }
    for fd in fds {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        if extraFlags != 0 { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | extraFlags) }
    }
    return fds
}

extension ProcessRunner {
    /// Starts `command` as the leader of a new process group, stdin from /dev/null, stdout and
    /// stderr both into `outputFD`, and `channels` as the child's descriptors 3, 4, … (a warm
    /// session's request and result pipes); every other descriptor is closed in the child.
    /// Returns the pid (which is also the process group id).
    static func spawn(
        _ command: Command, directory: String?, environment overlay: [String: String], outputFD: Int32,
        channels: [Int32] = []
    ) throws(ProcessRunnerError) -> pid_t {
        var argv: [String]
        var directory = directory
        switch command {
        case .shell(let line):
            argv = ["/bin/sh", "-c", line]
        case .argv(let words):
            guard !words.isEmpty else { throw ProcessRunnerError("an empty command line cannot be run") }
            argv = words
        }
        if let dir = directory, addChdir == nil {
            // Old glibc: let a shell change directory, then exec the real command in its place.
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir] + argv
            directory = nil
        }
        if let dir = directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ProcessRunnerError("working directory '\(dir)' does not exist or is not a directory")
            }
        }

        var environment = ProcessInfo.processInfo.environment
        for (key, value) in overlay { environment[key] = value }
        let envStrings = environment.map { "\($0.key)=\($0.value)" }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group, so a timeout can kill the test's whole tree with one kill(-pgid).
        // Signal mask and dispositions reset: a child must not inherit an ignored SIGPIPE or
        // a blocked SIGTERM from this process.
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        // Through high numbers first, so a source that happens to be 3 or 4 is not overwritten
        // before it is copied; dup2 clears close-on-exec on the copy.
        for (index, fd) in channels.enumerated() { posix_spawn_file_actions_adddup2(&actions, fd, Int32(900 + index)) }
        for index in channels.indices { posix_spawn_file_actions_adddup2(&actions, Int32(900 + index), Int32(3 + index)) }
        if let addClosefrom {
            _ = addClosefrom(&actions, Int32(3 + channels.count))
        } else {
            for index in channels.indices { posix_spawn_file_actions_addclose(&actions, Int32(900 + index)) }
        }
        if let dir = directory, let addChdir {
            let status = addChdir(&actions, dir)
            if status != 0 { throw ProcessRunnerError("cannot change to '\(dir)': \(String(cString: strerror(status)))") }
        }

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = envStrings.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        var pid: pid_t = 0
        let status: Int32
        if argv[0].contains("/") {
            status = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        } else {
            // PATH search uses this process's PATH, not the overlay's.
            status = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        }
        guard status == 0 else {
            let reason = String(cString: strerror(status))
            let place = directory.map { " in '\($0)'" } ?? ""
            throw ProcessRunnerError("cannot start '\(argv[0])'\(place): \(reason)")
        }
        return pid
    }
}
