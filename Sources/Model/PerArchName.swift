/// The names of an `every`-arch test's per-arch copies. Planning runs such a test once per arch
/// as `name@arch`, so each copy has its own results and history; adapters know only `name`.
public enum PerArchName {
    /// The copy of `test` for `arch`: `test@arch`.
    public static func copy(of test: String, for arch: Arch) -> String { "\(test)@\(arch.rawValue)" }

    /// The adapter's name of a copy: `name@arch` → `name`. Any other name is returned as it is.
    public static func original(of name: String) -> String {
        for arch in Arch.allCases {
            let suffix = "@" + arch.rawValue
            if name.hasSuffix(suffix), name.count > suffix.count { return String(name.dropLast(suffix.count)) }
        }
        return name
    }
}
