import Model

/// A build planned by `submit` in the CI job's checkout, as it travels to the coordinator
/// inside `Submit` (the coordinator runs no project command for it). The spec travels in the
/// `Submit` fields; this is the rest: suites, tests, grant cost and the selection record.
extension PlannedBuild {
    func writePlan(to w: inout WireWriter) {
        for suite in suites { w.message(1) { suite.write(to: &$0) } }
        for test in tests {
            w.message(2) {
                $0.string(1, test.name)
                $0.int(2, test.suite)
                $0.double(3, test.predicted)
                $0.double(4, test.groupWork)
                if let arch = test.arch { $0.string(5, arch.rawValue) }
                if test.knownBreak { $0.int(6, 1) }
            }
        }
        w.double(3, grantCost)
        if let selection { w.message(4) { selection.write(to: &$0) } }
        if let affectedFailures {
            w.message(5) {
                $0.string(1, affectedFailures.since)
                for test in affectedFailures.tests { $0.string(2, test) }
            }
        }
    }

    /// Reads a plan for `spec`; a test naming a suite the plan does not have is refused here,
    /// everything else the coordinator validates (`PlannedBuild.validate`).
    static func readPlan(spec: BuildSpec, from r: inout WireReader) throws(WireError) -> PlannedBuild {
        var suites: [SuiteDefinition] = []
        var tests: [TestCase] = []
        var grantCost = 0.0
        var selection: BuildSelection?
        var affected: AffectedFailures?
        while let (tag, f) = try r.next() {
            switch tag {
            case 1:
                var inner = r.nested(f)
                suites.append(try SuiteDefinition(from: &inner))
            case 2:
                var inner = r.nested(f)
                var test = TestCase(name: "", suite: 0)
                while let (t, g) = try inner.next() {
                    switch t {
                    case 1: test.name = inner.string(g)
                    case 2: test.suite = inner.int(g)
                    case 3: test.predicted = inner.double(g)
                    case 4: test.groupWork = inner.double(g)
                    case 5:
                        let text = inner.string(g)
                        guard let arch = Arch(parsing: text) else { throw WireError("planned test '\(test.name)' has unknown arch '\(text)'") }
                        test.arch = arch
                    case 6: test.knownBreak = inner.int(g) != 0
                    default: break
                    }
                }
                tests.append(test)
            case 3: grantCost = r.double(f)
            case 4:
                var inner = r.nested(f)
                selection = try BuildSelection(from: &inner)
            case 5:
                var inner = r.nested(f)
                var read = AffectedFailures(since: "", tests: [])
                while let (t, g) = try inner.next() {
                    switch t {
                    case 1: read.since = inner.string(g)
                    case 2: read.tests.append(inner.string(g))
                    default: break
                    }
                }
                affected = read
            default: break
            }
        }
        var plan = PlannedBuild(spec: spec, suites: suites, tests: tests, grantCost: grantCost, selection: selection)
        plan.affectedFailures = affected
        return plan
    }
}

extension BuildSelection {
    func write(to w: inout WireWriter) {
        w.string(1, base)
        w.string(2, head)
        w.string(3, diffBase)
        w.int(4, selectedCount)
        w.int(5, skippedCount)
        for reason in runAllReasons { w.string(6, reason) }
        for skip in skipped {
            w.message(7) {
                $0.string(1, skip.suite)
                $0.string(2, skip.test)
                $0.string(3, skip.reason)
            }
        }
        if let rebaseRequired { w.string(8, rebaseRequired) }
    }

    init(from r: inout WireReader) throws(WireError) {
        self.init(base: "", head: "", diffBase: "", selectedCount: 0, skippedCount: 0)
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: base = r.string(f)
            case 2: head = r.string(f)
            case 3: diffBase = r.string(f)
            case 4: selectedCount = r.int(f)
            case 5: skippedCount = r.int(f)
            case 6: runAllReasons.append(r.string(f))
            case 7:
                var inner = r.nested(f)
                var skip = Skip(suite: "", test: "", reason: "")
                while let (t, g) = try inner.next() {
                    switch t {
                    case 1: skip.suite = inner.string(g)
                    case 2: skip.test = inner.string(g)
                    case 3: skip.reason = inner.string(g)
                    default: break
                    }
                }
                skipped.append(skip)
            case 8: rebaseRequired = r.string(f)
            default: break
            }
        }
    }
}
