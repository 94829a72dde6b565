import Testing
import Model

@Suite struct BuildSpecTests {
    @Test func validateNamesTheBrokenLimit() throws {
        try BuildSpec(id: "b", suite: "sim:1", maxAttempts: 3, confirmAttempts: 5, confirmLimit: 10).validate()
        let cases: [(BuildSpec, String)] = [
            (BuildSpec(id: "", suite: "sim:1", maxAttempts: 1), "build id"),
            (BuildSpec(id: "b", suite: "sim:1", maxAttempts: 50), "attempts per test"),
            (BuildSpec(id: "b", suite: "sim:1", maxAttempts: 3, confirmAttempts: 99), "confirmation runs"),
            (BuildSpec(id: "b", suite: "sim:1", maxAttempts: 3, confirmLimit: -1), "confirmation limit"),
        ]
        for (spec, named) in cases {
            #expect(throws: TestfleetError.self) { try spec.validate() }
            do { try spec.validate() } catch { #expect(error.message.contains(named), "\(error)") }
        }
    }
}
