import Foundation
public import Model
import SelectionSources

extension BuildLifecycle {
    /// Fills in where `spec` sits in git from the repository holding `directory`, when there
    /// is one and it has the build's commit: the commit as a full SHA (default HEAD), the branch
    /// (default: the checked-out one), and then
    /// - on a target branch (`targetBranches`, or no branch): `commitPosition`, the commit's
    ///   place on the first-parent line, so commit order follows ancestry;
    /// - on any other branch (a PR's): `base`, the merge-base of the commit with the given
    ///   `--base` or else with the target branch (`origin/main`, `main`, …), so the build's
    ///   evidence is read against the main commit it branched from.
    /// Outside a repository, or for a commit it does not hold, the spec is returned as given:
    /// commit order then comes from the order of the target branch's own builds.
    public static func placeInGit(_ spec: BuildSpec, directory: String,
                                  targetBranches: [String] = ["main", "master", "trunk"]) -> BuildSpec
    {
        guard !spec.isSimulated, let repository = try? GitRepository(containing: directory) else { return spec }
        var spec = spec
        guard let commit = repository.resolve(spec.commit ?? "HEAD") else { return spec }
        spec.commit = commit
        if spec.branch == nil { spec.branch = repository.currentBranch() }
        let branch = spec.branch.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst("refs/heads/".count)) : $0 }
        if branch == nil || branch!.isEmpty || targetBranches.contains(branch!) {
            spec.commitPosition = repository.firstParentPosition(of: commit)
        } else if let target = spec.base ?? repository.targetRevision(among: targetBranches),
                  let mergeBase = try? repository.mergeBase(target, commit) {
            spec.base = mergeBase
        }
        return spec
    }
}
