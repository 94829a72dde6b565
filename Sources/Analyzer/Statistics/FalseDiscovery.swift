/// Benjamini–Hochberg control of the false-discovery rate.
///
/// With m hypotheses sorted by p-value p₍₁₎ ≤ … ≤ p₍ₘ₎, reject the k smallest where k is the
/// largest i with p₍ᵢ₎ ≤ i·q/m. When the p-values of true nulls are independent (tests' attempt
/// streams are, once infrastructure failures are removed) the expected share of false flags
/// among the flags is at most q — so 100,000 stable tests give about q × flags false ones,
/// not 100,000 × α.
public enum FalseDiscovery {
    /// The indices (into `pValues`) rejected at level `q`, in ascending order.
    public static func benjaminiHochberg(_ pValues: [Double], q: Double) -> [Int] {
        let m = pValues.count
        guard m > 0 else { return [] }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var cutoff = -1
        for rank in stride(from: m - 1, through: 0, by: -1)
        where pValues[order[rank]] <= Double(rank + 1) * q / Double(m) {
            cutoff = rank
            break
        }
        guard cutoff >= 0 else { return [] }
        return order[0...cutoff].sorted()
    }

    /// The BH-adjusted p-values (q-values): the smallest q at which each hypothesis is rejected.
    public static func adjusted(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var result = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m - 1, through: 0, by: -1) {
            let index = order[rank]
            running = min(running, pValues[index] * Double(m) / Double(rank + 1))
            result[index] = min(running, 1)
        }
        return result
    }
}
