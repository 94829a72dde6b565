@testable import Dashboard
import Model
import Testing

/// The Prometheus text rendering (pure): families, labels written at 0, label escaping.
@Suite struct MetricsTextTests {
    @Test func everyFamilyHasHelpTypeAndItsUsualLabels() {
        var metrics = FleetMetrics()
        metrics.buildsRunning = 2
        metrics.buildsFinished = ["pass": 3, "cancelled": 1]
        metrics.results = ["passed": 10]
        metrics.workers = ["x86_64": 4]
        metrics.leaseExpiries = 1
        metrics.testsHandedBack = 7
        let text = MetricsText.render(metrics, loopAgeSeconds: 0.05)
        for name in ["testfleet_builds_running", "testfleet_builds_finished_total", "testfleet_results_total", "testfleet_queue_tests",
                     "testfleet_workers", "testfleet_lease_expiries_total", "testfleet_tests_handed_back_total"] {
            #expect(text.contains("# TYPE \(name) "), "\(name)")
        }
        #expect(text.contains("testfleet_builds_finished_total{verdict=\"fail\"} 0\n"))
        #expect(text.contains("testfleet_builds_finished_total{verdict=\"cancelled\"} 1\n"))
        #expect(text.contains("testfleet_workers{arch=\"aarch64\"} 0\n") && text.contains("testfleet_workers{arch=\"x86_64\"} 4\n"))
        #expect(text.contains("testfleet_results_total{outcome=\"error\"} 0\n"))
        #expect(text.contains("testfleet_tests_handed_back_total 7\n"))
        #expect(MetricsText.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
