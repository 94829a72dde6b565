import Adapters
import Foundation
import Model

extension SlotPool {
    /// `suite` sent to this worker's own mirror of its directory (`WorkerConfig.ownCopies`),
    /// when it has one: a pytest suite of a local run, on a worker after the first.
    func inOwnCopy(_ suite: SuiteDefinition) -> SuiteDefinition {
        guard suite.adapter == .pytest, let copy = config.ownCopies[(suite.directory as NSString).standardizingPath] else {
            return suite
        }
        var suite = suite
        suite.environment[PytestAdapter.workDirectoryVariable] = copy
        return suite
    }

    /// `suite` sent to the mirror where this worker's retries of `key` work
    /// (`PytestAdapter.childrenMirror`). Asked for before the worker runs any of `key`'s tests,
    /// so it is made while no test of this worker has left a file there (a class's staging that
    /// a retry's class would find).
    func inChildrenMirror(_ suite: SuiteDefinition, key: String, of pytest: PytestAdapter) -> SuiteDefinition {
        let id = config.id
        guard let mirror = pytest.childrenMirror(of: suite, key: key, log: { line in
            FileHandle.standardError.write(Data("testfleet worker \(id): \(line)\n".utf8))
        }) else { return suite }
        var suite = suite
        suite.environment[PytestAdapter.workDirectoryVariable] = mirror
        return suite
    }
}
