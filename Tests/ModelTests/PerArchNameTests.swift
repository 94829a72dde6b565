import Model
import Testing

@Suite struct PerArchNameTests {
    @Test func copiesRoundTripToTheirOriginal() {
        for arch in Arch.allCases {
            let copy = PerArchName.copy(of: "tests/test_x.py::test_p[a@b]", for: arch)
            #expect(copy == "tests/test_x.py::test_p[a@b]@\(arch.rawValue)")
            #expect(PerArchName.original(of: copy) == "tests/test_x.py::test_p[a@b]")
        }
        // Names that are not copies stay as they are.
        #expect(PerArchName.original(of: "lint") == "lint")
        #expect(PerArchName.original(of: "@aarch64") == "@aarch64")
        #expect(PerArchName.original(of: "x@riscv") == "x@riscv")
    }
}
