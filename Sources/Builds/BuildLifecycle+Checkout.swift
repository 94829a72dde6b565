import Adapters
import Config
import Foundation
public import Model
import SelectionSources
import Store

/// `submit`'s side of a fleet build: planned where the code is, in the CI job's checkout.
extension BuildLifecycle {
    /// Plans `spec` in this checkout (selection, inventory; predictions are the coordinator's)
    /// and names the code: the commit (`spec.commit`, default HEAD, as a full SHA), the
    /// repository workers fetch it from (`[workspace] repository`, else `origin`'s URL), and
    /// each suite's directory relative to the repository root, where a worker runs it in its
    /// own checkout. Outside a git checkout, or with no repository to name (and no bundle), the
    /// plan keeps the suites' directories as they are (workers sharing this disk).
    ///
    /// `submit` has no history of its own; its planning store (`planningStore`, in
    /// `cacheDirectory`, default the cache root) holds only the inventory cache.
    public static func planInCheckout(_ spec: BuildSpec, bundled: Bool,
                                      cacheDirectory: String? = nil) throws(TestfleetError) -> PlannedBuild {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-submit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let store = try planningStore(in: cacheDirectory ?? CacheRoot.defaultPath, scratch: scratch)
        var spec = spec
        let folder = (URL(fileURLWithPath: spec.suite).standardizedFileURL.path as NSString).deletingLastPathComponent
        let repository = try? GitRepository(containing: folder)
        if let repository {
            spec.commit = try repository.commit(spec.commit ?? "HEAD")
            if spec.repository == nil, !bundled {
                spec.repository = try SuiteFile.load(path: spec.suite).repository ?? repository.remoteURL()
            }
        } else if bundled {
            throw .badInput("--bundle needs the suite file inside a git checkout ('\(folder)' is not in one)")
        }
        var planned = try BuildLifecycle(store: store, refresh: nil).plan(spec)
        // Branch, base (merge-base) and first-parent position, after selection read --base as given.
        if repository != nil { planned.spec = placeInGit(planned.spec, directory: folder) }
        guard let repository, planned.spec.hasWorkspace || bundled else { return planned }
        let root = URL(fileURLWithPath: repository.root).resolvingSymlinksInPath().path
        for index in planned.suites.indices {
            let directory = URL(fileURLWithPath: planned.suites[index].directory).resolvingSymlinksInPath().path
            guard directory == root || directory.hasPrefix(root + "/") else {
                throw .badInput("suite '\(planned.suites[index].name)': its dir \(directory) is outside the repository \(root); workers check out the repository only")
            }
            planned.suites[index].repositoryPath = directory == root ? "." : String(directory.dropFirst(root.count + 1))
        }
        return planned
    }

    /// The store `submit` plans with: `submit-inventory.sqlite` in the cache directory, kept
    /// from one submit to the next, so a build whose test files did not change (same sizes and
    /// times: a CI runner that keeps its checkout and its cache) lists nothing, as a local run's
    /// store lists nothing; a throwaway one in directory `scratch` (the caller removes it) when
    /// that cannot be opened (a read-only home). Lists older than the cache's age limit go.
    /// Why: `submit` collected the whole suite before every build (1.7 s of boltons' 4 s fleet
    /// builds; minutes for a mono-repo's), where `run --local` reuses its store's list.
    static func planningStore(in cacheDirectory: String, scratch: String) throws(TestfleetError) -> Store {
        if let store = try? Store(path: cacheDirectory + "/submit-inventory.sqlite") {
            try? store.pruneInventory(olderThan: InventoryCache.maxAge)
            return store
        }
        do { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) } catch {
            throw .infrastructure("cannot create a scratch directory for planning: \(error)")
        }
        do { return try Store(path: scratch + "/plan.sqlite") } catch { throw TestfleetError(error) }
    }

    /// The coordinator's side: checks a plan `submit` sent and gives its tests predictions from
    /// this store's timing history (the frameworks' typical durations where it knows nothing),
    /// keeping collection order for frameworks that collect per file. Runs no project command.
    public func accept(_ plan: PlannedBuild) throws(TestfleetError) -> PlannedBuild {
        try plan.validate()
        guard !plan.tests.isEmpty else { return plan }
        var adapters: [any TestAdapter] = []
        for suite in plan.suites {
            guard let adapter = AdapterRegistry.adapter(for: suite.adapter) else {
                throw .badInput("suite '\(suite.name)': the \(suite.adapter.rawValue) adapter is not available in this build of testfleet")
            }
            adapters.append(adapter)
        }
        var tests = plan.tests
        let processSetup = processSetupSeconds(plan.spec)
        let firstBuild = try predict(&tests, adapters: adapters, spec: plan.spec, processSetup: processSetup,
                                     affected: plan.affectedFailures)
        return PlannedBuild(spec: plan.spec, suites: plan.suites, tests: tests, grantCost: plan.grantCost,
                            selection: plan.selection, firstBuild: firstBuild, processSetupSeconds: processSetup)
    }

    /// `submit`'s half of the known-break lapse, for a coordinator that has no checkout: of the
    /// previous build's `failures` (the coordinator names them, and that build's commit
    /// `since`), those the change from `since` to the plan's commit can affect, measured here by
    /// selection's impact analysis (`KnownBreakLapse`, which fetches `since` into a shallow
    /// clone). Nil where this checkout cannot tell (no commit, a simulated suite, `since` out of
    /// reach); the coordinator then goes by history alone.
    public static func affectedFailures(of plan: PlannedBuild, since: String, failures: [String]) -> AffectedFailures? {
        guard !failures.isEmpty, !plan.spec.isSimulated, let commit = plan.spec.commit else { return nil }
        if since == commit { return AffectedFailures(since: since, tests: []) }
        guard let file = try? SuiteFile.load(path: plan.spec.suite),
              let touched = KnownBreakLapse(file: file, root: nil, remote: plan.spec.repository)
                .touched(Set(failures), of: plan.tests, from: since, to: commit)
        else { return nil }
        return AffectedFailures(since: since, tests: touched.sorted())
    }
}
