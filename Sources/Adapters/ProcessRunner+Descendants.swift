#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension ProcessRunner {
    /// What to signal, besides `pid`'s own group, to reach every descendant of `pid` that left
    /// it: the groups those descendants lead, and the descendants in someone else's group.
    ///
    /// Why: `swift test` starts the XCTest binary in a process group of its own. Killing `swift
    /// test`'s group at a test's timeout orphaned the binary, which then slept on (a hanging
    /// test: 600 s), one process per hang. Read from `/proc` before the first signal, since a
    /// killed parent's children are reparented at once and the chain is lost.
    static func escapedTargets(of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t: [pid_t]] = [:]
        var groups: [pid_t: pid_t] = [:]
        for entry in entries {
            guard let child = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else { continue }
            children[parent, default: []].append(child)
            groups[child] = group
        }
        var descendants: Set<pid_t> = []
        var queue = children[pid] ?? []
        while let next = queue.popLast() {
            guard descendants.insert(next).inserted else { continue }
            queue += children[next] ?? []
        }
        var targets: Set<pid_t> = []
        for process in descendants {
            guard let group = groups[process], group != pid else { continue }
            // A group a descendant leads is signalled whole; a stranger's group never is.
            targets.insert(descendants.contains(group) ? -group : process)
        }
        return targets.sorted()
    }

    /// Sends `signal` to `pid`'s group and to `escaped` (from `escapedTargets`).
    static func signalAll(_ pid: pid_t, escaped: [pid_t], _ signal: Int32) {
        kill(-pid, signal)
        for target in escaped { kill(target, signal) }
    }
}
