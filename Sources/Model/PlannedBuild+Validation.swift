extension PlannedBuild {
    /// Checks a plan that came from elsewhere (`submit` plans in the CI checkout), naming the
    /// first problem as bad input: a coordinator must not queue tests no worker could run.
    public func validate() throws(TestfleetError) {
        func bad(_ message: String) -> TestfleetError { .badInput("the submitted plan of build \(spec.id): \(message)") }
        try spec.validate()
        if spec.repository != nil || spec.bundle != nil {
            guard let commit = spec.commit, !commit.isEmpty else { throw bad("it names a repository or bundle but no commit") }
        }
        guard !suites.isEmpty else { throw bad("it has no suites") }
        guard suites.count <= 10_000 else { throw bad("\(suites.count) suites; at most 10000") }
        var suiteNames: Set<String> = []
        for suite in suites {
            guard !suite.name.isEmpty, suiteNames.insert(suite.name).inserted else {
                throw bad("suite names must be non-empty and unique ('\(suite.name)')")
            }
            if let path = suite.repositoryPath, path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                throw bad("suite '\(suite.name)': directory '\(path)' is not inside the repository")
            }
            guard suite.timeout > 0, suite.setupTimeout > 0 else { throw bad("suite '\(suite.name)': timeouts must be positive") }
        }
        guard tests.count <= 5_000_000 else { throw bad("\(tests.count) tests; at most 5000000") }
        guard grantCost.isFinite, (0...3600).contains(grantCost) else { throw bad("grant cost \(grantCost) s is not 0 to 3600") }
        for test in tests {
            guard !test.name.isEmpty, test.name.utf8.count <= 4096 else { throw bad("a test name is empty or longer than 4096 bytes") }
            guard suites.indices.contains(test.suite) else { throw bad("test '\(test.name)' names suite #\(test.suite), which the plan does not have") }
            guard test.predicted.isFinite, test.predicted >= 0, test.groupWork.isFinite, test.groupWork >= 0 else {
                throw bad("test '\(test.name)' has a prediction that is not a finite number of seconds")
            }
        }
        if let problem = Self.duplicateNameProblem(tests, suites: suites) { throw bad(problem) }
    }

    /// Why `tests` cannot make one build when two of them share a name, naming the test and its
    /// suites; nil when none do. A build knows a test by its name (results, retries, history):
    /// two copies would share one test's state, and `run` waited forever for the second. Every
    /// test's `suite` must index `suites`.
    public static func duplicateNameProblem(_ tests: [TestCase], suites: [SuiteDefinition]) -> String? {
        var suiteOf: [String: Int] = [:]
        suiteOf.reserveCapacity(tests.count)
        for test in tests {
            guard let other = suiteOf.updateValue(test.suite, forKey: test.name) else { continue }
            let names = other == test.suite ? "suite '\(suites[other].name)' lists it twice"
                : "suites '\(suites[other].name)' and '\(suites[test.suite].name)' both list it"
            return "test '\(test.name)': \(names); a build runs each test name once, so give each suite "
                + "its own tests (another directory, or pytest arguments that select others)"
        }
        return nil
    }
}
