public import JUnit
public import Model
import Wire

extension JUnitTestCase {
    /// This test case's attempts in order, as a worker would have reported them: Surefire reruns
    /// first (their duration is not in the file, so 0), then the final one with its duration and
    /// output tail. Attempt numbers are the store's to assign.
    public func testResults(arch: Arch, worker: String) -> [TestResult] {
        var attempts = earlierAttempts.map {
            TestResult(test: name, attempt: 0, outcome: $0, duration: 0, worker: worker, arch: arch)
        }
        var final = TestResult(test: name, attempt: 0, outcome: outcome, duration: duration, worker: worker, arch: arch)
        if !output.isEmpty {
            let bytes = Array(output.utf8)
            final.compressedOutput = OutputCodec.compress(bytes)
            final.outputSize = bytes.count
        }
        final.outputDropped = outputDropped
        attempts.append(final)
        return attempts
    }
}
