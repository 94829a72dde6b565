import Model

extension SuiteDefinition {
    func write(to w: inout WireWriter) {
        w.string(1, name)
        w.string(2, adapter.rawValue)
        w.string(3, directory)
        if let command { w.string(4, command) }
        w.double(5, timeout)
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            w.message(6) {
                $0.string(1, key)
                $0.string(2, value)
            }
        }
        for test in shellTests {
            w.message(7) {
                $0.string(1, test.name)
                $0.string(2, test.command)
            }
        }
        if let simulated { w.string(8, simulated.spec) }
        w.int(9, outputCap)
        w.string(10, arch.description)
        if let setup { w.string(11, setup) }
        w.double(12, setupTimeout)
        if let repositoryPath { w.string(13, repositoryPath) }
    }

    init(from r: inout WireReader) throws(WireError) {
        self.init(name: "", adapter: .shell, directory: "/")
        var adapterText = ""
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: name = r.string(f)
            case 2: adapterText = r.string(f)
            case 3: directory = r.string(f)
            case 4: command = r.string(f)
            case 5: timeout = r.double(f)
            case 6, 7:
                var inner = r.nested(f)
                var first = "", second = ""
                while let (t, g) = try inner.next() {
                    if t == 1 { first = inner.string(g) } else if t == 2 { second = inner.string(g) }
                }
                if tag == 6 { environment[first] = second } else { shellTests.append(ShellTest(name: first, command: second)) }
            case 8:
                do { simulated = try SimulatedSuite(parsing: r.string(f)) } catch { throw WireError("bad simulated spec: \(error)") }
            case 9: outputCap = r.int(f)
            case 10: arch = ArchRequirement(parsing: r.string(f)) ?? .any
            case 11: setup = r.string(f)
            case 12: setupTimeout = r.double(f)
            case 13: repositoryPath = r.string(f)
            default: break
            }
        }
        guard let kind = AdapterKind(rawValue: adapterText) else {
            throw WireError("suite '\(name)' uses adapter '\(adapterText)', which this worker does not know")
        }
        adapter = kind
        if timeout <= 0 || !timeout.isFinite { timeout = 300 }
        if setupTimeout <= 0 || !setupTimeout.isFinite { setupTimeout = 900 }
    }
}
