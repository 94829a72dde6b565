import Analyzer
import Dashboard
import Foundation
import Model
import Store
import Testing

/// The pages in headless Chromium (Debian's `chromium`): they render with no console error, the
/// trends charts' points carry the store's values, and the repository's screenshot script
/// takes real pictures. Skipped with a message when no Chromium is installed.
@Suite(.serialized) struct BrowserPageTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The repository root (this file is Tests/DashboardTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct Rendered {
        var dom: String
        var consoleErrors: [String]
    }

    /// Loads `url` in headless Chromium; returns the DOM after scripts ran and the console's
    /// messages (Chromium logs them as `CONSOLE` lines on stderr).
    static func render(_ url: String) async throws -> Rendered {
        let profile = DashboardHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)",
                             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom", url]
        let out = profile + "/dom.html", err = profile + "/stderr.txt"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        try await finish(process, timeout: 90)
        let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        // Chromium 156 logs every console message as `INFO:CONSOLE:…] "text", source: …`,
        // whatever its level; the pages run no script, so any console line is a fault
        // (a failed resource load, a CSP refusal, an error).
        let errors = log.split(separator: "\n").map(String.init).filter {
            $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("Failed to load resource")
        }
        return Rendered(dom: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", consoleErrors: errors)
    }

    /// Waits for a process without blocking a thread of the concurrency pool: the pages the
    /// browser asks for are served from this process, on that pool.
    static func finish(_ process: Process, timeout: Double) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// The trends charts' points as drawn: chart id → series → values in x order.
    static func chartPoints(_ dom: String) -> [String: [String: [Double]]] {
        var charts: [String: [String: [Double]]] = [:]
        for svg in dom.components(separatedBy: "<svg").dropFirst() {
            guard let id = attribute("data-chart", in: svg) else { continue }
            for circle in svg.components(separatedBy: "<circle").dropFirst() {
                guard let series = attribute("data-series", in: circle), let value = attribute("data-value", in: circle).flatMap(Double.init)
                else { continue }
                charts[id, default: [:]][series.replacingOccurrences(of: "&amp;", with: "&"), default: []].append(value)
            }
        }
        return charts
    }

    static func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "\(name)=\"") else { return nil }
        let rest = text[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func seeded() async throws -> DashboardHarness {
        let h = try await DashboardHarness()
        h.filler = 10
        for n in 1...6 {
            try h.build("b\(n)", commit: "c\(n)", branch: "main", [
                "t::a": [.passed], "t::b": n % 3 == 0 ? [.failed, .failed, .failed] : [.passed],
                "t::flaky": n % 2 == 0 ? [.failed, .passed] : [.passed], "t::skip": [.skipped],
            ], duration: Double(n) / 4)
        }
        try h.build("pr1", commit: "p1", branch: "feature/y", ["t::a": [.passed], "t::b": [.failed, .failed, .failed]])
        try h.store.recordLint([LintViolation(path: "a.py", line: 1, column: 1, code: "F401", message: "unused")],
                               tool: "ruff", build: "b5", commit: "c5")
        try h.store.recordLint([LintViolation(path: "b.py", line: 3, column: 1, code: "E1", message: "x"),
                                LintViolation(path: "c.py", line: 4, column: 1, code: "E2", message: "y")],
                               tool: "mypy", build: "b6", commit: "c6")
        try h.store.quarantine(test: "t::flaky", reason: "tracked in #7")
        return h
    }

    @Test func theConsoleCheckSeesAnErrorWhenThereIsOne() async throws {
        guard Self.chromium != nil else { print("SKIPPED: no chromium installed (apt-get install chromium)"); return }
        let control = try await Self.render("data:text/html,<script>console.error('deliberate')</script><p>x</p>")
        #expect(!control.consoleErrors.isEmpty, "the check would pass vacuously")
    }

    @Test func pagesRenderWithoutConsoleErrors() async throws {
        guard Self.chromium != nil else { print("SKIPPED: no chromium installed (apt-get install chromium)"); return }
        let h = try await seeded()
        let base = "http://127.0.0.1:\(h.port)"
        for (path, marker) in [("/", "id=\"builds\""), ("/?branch=main", "Builds on main"), ("/builds/b3", "Failures (1)"),
                               ("/flaky", "Flaky and broken tests"), ("/trends", "data-chart=\"tests\"")] {
            let page = try await Self.render(base + path)
            #expect(page.consoleErrors.isEmpty, "\(path): \(page.consoleErrors)")
            #expect(page.dom.contains(marker), "\(path) lacks \(marker)")
        }
        let build = try await Self.render(base + "/builds/b3").dom
        #expect(build.contains("t::b") && build.contains("slip probability"))
        let flaky = try await Self.render(base + "/flaky").dom
        #expect(flaky.contains("data-test=\"t::flaky\"") && flaky.contains("tracked in #7"), "quarantine state and reason shown")
        #expect(flaky.contains("data-outcome=\"retry\"") && flaky.contains("data-outcome=\"fail\""), "history strip")
    }

    @Test func trendChartValuesMatchTheStore() async throws {
        guard Self.chromium != nil else { print("SKIPPED: no chromium installed (apt-get install chromium)"); return }
        let h = try await seeded()
        let charts = Self.chartPoints(try await Self.render("http://127.0.0.1:\(h.port)/trends?branch=main").dom)
        let rows = try h.store.buildTrends(branch: "main")
        #expect(rows.count == 6)
        #expect(charts["tests"]?["total"] == rows.map { Double($0.tests) })
        #expect(charts["tests"]?["passed"] == rows.map { Double($0.passed) })
        #expect(charts["tests"]?["skipped"] == rows.map { Double($0.skipped) })
        #expect(charts["failures"]?["failed (every attempt)"] == [0, 0, 1, 0, 0, 1])
        #expect(charts["failures"]?["passed on retry"] == [0, 1, 0, 1, 0, 1])
        #expect(charts["flake-rate"]?["flake rate"] == rows.map { 100 * Double($0.passedOnRetry) / Double($0.tests) })
        let testTime = charts["duration"]?["test time / 10"] ?? []
        #expect(testTime.count == 6)
        for (drawn, row) in zip(testTime, rows) { #expect(abs(drawn - row.testSeconds / 10) < 1e-9) }
        #expect(charts["lint"]?["ruff"] == [1, 0] && charts["lint"]?["mypy"] == [0, 2], "\(charts["lint"] ?? [:])")
    }

    @Test func theScreenshotScriptPhotographsTheThreePages() async throws {
        guard Self.chromium != nil else { print("SKIPPED: no chromium installed (apt-get install chromium)"); return }
        let h = try await seeded()
        let out = h.directory + "/shots"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.root + "/scripts/screenshots.sh", "http://127.0.0.1:\(h.port)", out]
        try process.run()
        try await Self.finish(process, timeout: 180)
        #expect(process.terminationStatus == 0)
        for name in ["builds", "flaky", "trends"] {
            let data = FileManager.default.contents(atPath: "\(out)/\(name).png") ?? Data()
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]) && data.count > 10_000, "\(name).png: \(data.count) bytes")
        }
    }
}
