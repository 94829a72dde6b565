import Builds
import Coordinator
import Model
import Wire

extension CoordinatorService {
    /// The coordinator as `run` and `coordinator` both assemble it: the build lifecycle plans
    /// each submitted (or resumed) build, finishes each build (gate, stored verdict, timing,
    /// analysis snapshot) and renders its JUnit XML for `submit --junit`.
    /// `finished` is told each build whose verdict was stored (off the loop; the webhook check).
    convenience init(config: CoordinatorConfig, lifecycle: BuildLifecycle,
                     progress: (@Sendable (BuildProgress) -> Void)? = nil, finished: (@Sendable (String) -> Void)? = nil)
    {
        self.init(
            config: config, store: lifecycle.store,
            planner: { spec in try lifecycle.plan(spec) },
            verdict: { build in
                let verdict = try lifecycle.finish(build: build)
                finished?(build)
                return (verdict, verdict.exitCode)
            },
            progress: progress,
            reports: { build, format in try JUnitExport.document(store: lifecycle.store, build: build, format: format) },
            accept: { plan in try lifecycle.accept(plan) })
    }
}
