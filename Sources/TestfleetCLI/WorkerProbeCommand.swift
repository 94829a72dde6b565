import ArgumentParser
import Foundation
import Model

/// `testfleet worker-probe`: a liveness/readiness probe for a worker pod. The worker touches its
/// `--health-file` about every second while it hears from its coordinator; this exits 1 when
/// the file is missing or older than `--max-age` seconds (the worker lost its coordinator).
struct WorkerProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker-probe",
        abstract: "Exit 0 when the worker with this health file heard from its coordinator lately, else 1.")

    @Option(name: .customLong("health-file"), help: "The file the worker was started with (`worker --health-file`).")
    var healthFile: String

    @Option(name: .customLong("max-age"), help: "Seconds since the worker last heard from its coordinator after which the probe fails.")
    var maxAge: Double = 30

    func run() throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: healthFile),
              let modified = attributes[.modificationDate] as? Date else {
            throw TestfleetError.gateFailed("no health file \(healthFile): the worker has not reached its coordinator")
        }
        let age = Date().timeIntervalSince(modified)
        guard age <= maxAge else {
            throw TestfleetError.gateFailed("the worker last heard from its coordinator \(Int(age)) s ago (over \(Int(maxAge)) s)")
        }
        print("ok: coordinator heard \(String(format: "%.1f", max(0, age))) s ago")
    }
}
