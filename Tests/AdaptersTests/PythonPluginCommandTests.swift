import Testing
@testable import Adapters

/// A suite command that assigns `PYTHONPATH` itself gets testfleet's plugin directory appended
/// to that assignment (pure string rewriting; `PytestNarrowingTests` runs it on a real pytest).
@Suite struct PythonPluginCommandTests {
    static let dir = "/cache/testfleet-warm-1f"

    @Test(arguments: [
        ("PYTHONPATH=src python -m pytest tests", "PYTHONPATH=src:'/cache/testfleet-warm-1f' python -m pytest tests"),
        ("env PYTHONPATH=src python3 -m pytest", "env PYTHONPATH=src:'/cache/testfleet-warm-1f' python3 -m pytest"),
        ("  LANG=C PYTHONPATH=\"a b\" X=1 pytest", "  LANG=C PYTHONPATH=\"a b\":'/cache/testfleet-warm-1f' X=1 pytest"),
        ("PYTHONPATH='s r c' pytest -q", "PYTHONPATH='s r c':'/cache/testfleet-warm-1f' pytest -q"),
        ("PYTHONPATH= pytest", "PYTHONPATH='/cache/testfleet-warm-1f' pytest"),
        ("PYTHONPATH=$PWD/src pytest", "PYTHONPATH=$PWD/src:'/cache/testfleet-warm-1f' pytest"),
    ])
    func aLeadingAssignmentGetsThePluginDirectory(_ line: String, _ expected: String) {
        #expect(PythonPluginFile.command(line, reaching: Self.dir) == expected)
    }

    @Test(arguments: [
        "python -m pytest tests",  // nothing assigned: the environment carries it
        "LANG=C python -m pytest",
        "python -m pytest PYTHONPATH=x",  // an argument, not an assignment
        "export PYTHONPATH=src; python -m pytest",
        "cd sub && PYTHONPATH=src pytest",
        "PYTHONPATH=$(pwd)/src pytest",
        "PYTHONPATH='unterminated pytest",
        "",
    ])
    func otherShapesAreLeftAlone(_ line: String) {
        #expect(PythonPluginFile.command(line, reaching: Self.dir) == line)
    }
}
