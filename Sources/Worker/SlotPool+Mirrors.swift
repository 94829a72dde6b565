import Adapters
import Foundation
import Model

extension SlotPool {
    /// The environment variable naming the mirror of the suite's directory a pytest process
    /// works in once pytest has started in the directory itself (see `PytestWarmPlugin`,
    /// `PytestOnlyPlugin`): its rootdir, test files and node ids stay the directory's.
    static let workDirectory = "TESTFLEET_WORK_DIR"

    /// `suite` sent to this worker's own mirror of its directory (`WorkerConfig.ownCopies`),
    /// when it has one: a pytest suite of a local run, on a worker after the first.
    func inOwnCopy(_ suite: SuiteDefinition) -> SuiteDefinition {
        guard suite.adapter == .pytest, let copy = config.ownCopies[(suite.directory as NSString).standardizingPath] else {
            return suite
        }
        var suite = suite
        suite.environment[Self.workDirectory] = copy
        return suite
    }

    /// `suite` sent to the mirror where this worker's retries of `key` work (the one its fork
    /// servers' children work in: see `PytestAdapter.startServingProcess`), a mirror of the
    /// directory the worker's own processes work in. Asked for before the worker runs any of
    /// `key`'s tests, so it is made while no test of this worker has left a file there (a
    /// class's staging that a retry's class would find).
    func inChildrenMirror(_ suite: SuiteDefinition, key: String) -> SuiteDefinition {
        guard suite.adapter == .pytest else { return suite }
        var suite = suite
        let id = config.id
        let source = suite.environment[Self.workDirectory] ?? suite.directory
        if let mirror = DirectoryMirrors.shared.directory(
            for: "children", mirroring: source, generation: key, cacheRoot: config.cacheDirectory, log: { line in
                FileHandle.standardError.write(Data("testfleet worker \(id): \(line)\n".utf8))
            }) {
            suite.environment[Self.workDirectory] = mirror
        }
        return suite
    }
}
