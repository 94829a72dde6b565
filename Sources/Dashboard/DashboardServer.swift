import Dispatch
import Foundation
import Hummingbird
import Logging
public import Store

/// The coordinator's HTTP side (Hummingbird 2): health and readiness probes, Prometheus
/// metrics, the JSON API and server-rendered HTML pages over the store. It runs on Hummingbird's
/// event loops and threads of its own (`ServingThreads`), not the Swift concurrency pool; store
/// reads go to a dispatch queue of its own (`DashboardData`), and the coordinator's figures come
/// from a published snapshot, so nothing here ever waits for the coordinator's loop, nor the
/// loop for it, nor for a busy pool.
public final class DashboardServer: Sendable {
    let data: DashboardData
    let configuration: DashboardConfiguration
    private let task = LockedBox<Task<Void, any Error>?>(nil)

    /// - Parameter store: a store of the dashboard's own (open the coordinator's file again), so
    ///   its reads use their own connections.
    public init(store: Store, configuration: DashboardConfiguration) {
        data = DashboardData(store: store, shared: configuration.analysis)
        self.configuration = configuration
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorResponseMiddleware())
        addAPIRoutes(to: router)
        addPageRoutes(to: router)
        return router
    }

    /// Binds `host:port` (port 0: any free port) and serves in the background; returns the bound
    /// port once the server listens. Throws when it cannot bind.
    public func start(host: String, port: Int) async throws -> Int {
        let bound = LockedBox<CheckedContinuation<Int, any Error>?>(nil)
        var logger = Logger(label: "testfleet-http")
        // Hummingbird logs a cancelled connection at shutdown as an error; our own errors are
        // thrown (bind) or answered (requests), so only its critical lines are worth printing.
        logger.logLevel = .critical
        return try await withCheckedThrowingContinuation { continuation in
            bound.value = continuation
            let app = Application(
                router: router(),
                configuration: .init(address: .hostname(host, port: port), serverName: "testfleet"),
                onServerRunning: { channel in
                    let continuation = bound.value
                    bound.value = nil
                    continuation?.resume(returning: channel.localAddress?.port ?? port)
                },
                logger: logger)
            task.value = Task(executorPreference: ServingThreads.shared) {
                do {
                    try await app.run()
                } catch {
                    let continuation = bound.value
                    bound.value = nil
                    continuation?.resume(throwing: DashboardStartError("cannot serve HTTP on \(host):\(port): \(error)"))
                    throw error
                }
            }
        }
    }

    /// `start` for synchronous callers (the CLI's main thread; never from a task).
    public func startBlocking(host: String, port: Int) throws -> Int {
        let result = LockedBox<Result<Int, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { result.value = .success(try await self.start(host: host, port: port)) } catch { result.value = .failure(error) }
            done.signal()
        }
        done.wait()
        return try result.value!.get()
    }

    /// Stops serving (open connections are closed).
    public func stop() {
        task.value?.cancel()
        task.value = nil
    }
}

/// The HTTP server could not start (the address is taken, or not an address of this host).
public struct DashboardStartError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
