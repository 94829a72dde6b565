import Adapters
import Foundation
public import Model

extension WorkspaceCache {
    /// The directory a suite runs in inside a checkout, after its `setup` has run there (once
    /// per worker, commit and suite; a later grant finds the marker and goes straight on). A
    /// failing or timed-out setup is an infrastructure error carrying the output's tail.
    public func prepare(_ suite: SuiteDefinition, checkout: String, commit: String) throws(TestfleetError) -> String {
        let relative = suite.repositoryPath ?? "."
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else {
            throw .infrastructure("suite '\(suite.name)': directory '\(relative)' is not inside the repository")
        }
        let directory = relative == "." || relative.isEmpty ? checkout : checkout + "/" + relative
        guard let setup = suite.setup, !setup.isEmpty else { return directory }
        let marker = path("state", "\(commit).setup-\(SHA256.hex(Array((suite.name + "\n" + setup).utf8)).prefix(16))")
        try withLock("setup:\(marker)") { () throws(TestfleetError) in
            if FileManager.default.fileExists(atPath: marker) { return }
            log("running setup of suite '\(suite.name)' for commit \(commit)")
            var environment = suite.environment
            environment["TESTFLEET_COMMIT"] = commit
            let run: ProcessRunner.Run
            do {
                run = try ProcessRunner().run(.shell(setup), in: directory, environment: environment,
                                              timeout: suite.setupTimeout, outputCap: 16 << 10)
            } catch {
                throw .infrastructure("setup of suite '\(suite.name)' could not start in \(directory): \(error)")
            }
            guard run.succeeded else {
                let how = run.timedOut ? "timed out after \(Int(suite.setupTimeout)) s"
                    : run.exitStatus.map { "exited with status \($0)" } ?? "was killed by signal \(run.signal ?? 0)"
                let tail = String(decoding: run.output.suffix(4096), as: UTF8.self)
                throw .infrastructure("setup of suite '\(suite.name)' (\(setup)) \(how) on commit \(commit); its output ends:\n\(tail)")
            }
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
        }
        return directory
    }
}
