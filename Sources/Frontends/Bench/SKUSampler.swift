import Engine
import Foundation

/// Draws SKU indices (0 ..< count) for a workload, from a seeded generator so a
/// run repeats from its seed.
struct SKUSampler: Sendable {
    private enum Distribution: Sendable {
        case single
        case uniform(count: UInt64)
        case zipf(ZipfTable)
    }

    private let distribution: Distribution
    /// Catalog size: indices drawn are below it.
    let count: Int

    /// The one SKU of the hot workload.
    static let single = SKUSampler(distribution: .single, count: 1)

    /// Every index equally likely.
    static func uniform(count: Int) -> SKUSampler {
        precondition(count >= 1)
        return SKUSampler(distribution: .uniform(count: UInt64(count)), count: count)
    }

    /// Index `k` drawn with probability proportional to `1 / (k + 1)^exponent`
    /// (index 0 the most popular). An exponent of 0 is uniform.
    static func zipf(count: Int, exponent: Double) -> SKUSampler {
        precondition(count >= 1)
        if exponent == 0 { return uniform(count: count) }
        return SKUSampler(distribution: .zipf(ZipfTable(count: count, exponent: exponent)), count: count)
    }

    /// The sampler a workload draws its SKUs from.
    static func forWorkload(_ configuration: BenchConfiguration) -> SKUSampler {
        switch configuration.workload {
        case .hot: .single
        case .uniform, .cart3: .uniform(count: configuration.skuCount)
        case .zipf, .funnel: .zipf(count: configuration.skuCount, exponent: configuration.zipfExponent)
        }
    }

    private init(distribution: Distribution, count: Int) {
        self.distribution = distribution
        self.count = count
    }

    /// The next index.
    @inline(__always)
    func next(_ random: inout SplitMix64) -> Int {
        switch distribution {
        case .single: 0
        case .uniform(let count): Int(random.next() % count)
        case .zipf(let table): table.index(forUnit: Self.unitInterval(random.next()))
        }
    }

    /// `distinct` different indices (fewer if the catalog is smaller), written to `indices`.
    func nextDistinct(_ distinct: Int, _ random: inout SplitMix64, into indices: inout [Int32]) {
        indices.removeAll(keepingCapacity: true)
        let wanted = min(distinct, count)
        var attempts = 0
        while indices.count < wanted {
            let candidate = Int32(next(&random))
            attempts += 1
            if !indices.contains(candidate) {
                indices.append(candidate)
            } else if attempts > 64 * wanted {
                // A very skewed distribution keeps drawing the same few: take the next free index.
                var fallback = candidate
                while indices.contains(fallback) { fallback = (fallback + 1) % Int32(count) }
                indices.append(fallback)
            }
        }
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    @inline(__always)
    static func unitInterval(_ bits: UInt64) -> Double { Double(bits >> 11) * 0x1.0p-53 }
}

/// The cumulative distribution of a Zipf law over `count` ranks, searched by
/// bisection: exact, and O(log n) per draw with 8 bytes per rank.
struct ZipfTable: Sendable {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var cumulative = [Double](repeating: 0, count: count)
        var sum = 0.0
        for rank in 0..<count {
            sum += 1 / pow(Double(rank + 1), exponent)
            cumulative[rank] = sum
        }
        for rank in 0..<count { cumulative[rank] /= sum }
        cumulative[count - 1] = 1
        self.cumulative = cumulative
    }

    /// Probability of index `rank`.
    func probability(of rank: Int) -> Double {
        rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1]
    }

    /// The first index whose cumulative probability exceeds `unit` (in [0, 1)).
    @inline(__always)
    func index(forUnit unit: Double) -> Int {
        cumulative.withUnsafeBufferPointer { table in
            var low = 0
            var high = table.count - 1
            while low < high {
                let middle = (low + high) >> 1
                if table[middle] > unit { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }
}
