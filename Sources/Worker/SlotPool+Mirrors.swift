import Adapters
import Foundation
import Model

extension SlotPool {
    /// `suite` in this worker's own mirror of its directory (`WorkerConfig.ownCopies`), when it
    /// has one: a pytest suite of a local run, on a worker after the first.
    func inOwnCopy(_ suite: SuiteDefinition) -> SuiteDefinition {
        guard suite.adapter == .pytest, let copy = config.ownCopies[(suite.directory as NSString).standardizingPath] else {
            return suite
        }
        var suite = suite
        suite.environment[Self.idOrigin] = suite.directory
        suite.directory = copy
        return suite
    }

    /// `suite` in the mirror of its directory where this worker's retries of `key` run (the one
    /// its fork servers' children work in: see `PytestAdapter.startServingProcess`). Asked for
    /// before the worker runs any of `key`'s tests, so it is made while no test of this worker
    /// has left a file in the directory (a class's staging that a retry's class would find).
    func inChildrenMirror(_ suite: SuiteDefinition, key: String) -> SuiteDefinition {
        guard suite.adapter == .pytest else { return suite }
        var suite = suite
        let id = config.id
        let origin = suite.environment[Self.idOrigin] ?? suite.directory
        suite.directory = DirectoryMirrors.shared.directory(
            for: "children", mirroring: suite.directory, generation: key, cacheRoot: config.cacheDirectory) { line in
            FileHandle.standardError.write(Data("testfleet worker \(id): \(line)\n".utf8))
        } ?? suite.directory
        if suite.directory != origin { suite.environment[Self.idOrigin] = origin }
        return suite
    }

    /// The environment variable naming the suite's own directory to a pytest process that works
    /// in a mirror of it: the testfleet plugins name ids by that directory's path (a parameter
    /// made from an absolute path is part of an id; see `PytestWarmPlugin`, `PytestOnlyPlugin`).
    static let idOrigin = "TESTFLEET_ID_ORIGIN"
}
