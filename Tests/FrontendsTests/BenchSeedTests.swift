import Engine
import Testing

@testable import holdfast

/// Connections of one `holdfast bench` run draw unrelated SKU streams.
@Suite struct BenchSeedTests {
    @Test("Two connections' uniform draws overlap no more than independent draws would")
    func connectionStreamsAreUnrelated() {
        let seed = UInt64.random(in: 1...UInt64(UInt32.max))
        print("connectionStreamsAreUnrelated seed \(seed)")
        let sampler = SKUSampler.uniform(count: 1_000_000)
        let draws = 2_000
        var streams: [[Int]] = []
        for index in 0..<4 {
            var random = SplitMix64(seed: BenchMeasurement.connectionSeed(seed, index: index))
            streams.append((0..<draws).map { _ in sampler.next(&random) })
        }
        for first in 0..<streams.count {
            for second in (first + 1)..<streams.count {
                // Independent draws of 2,000 from 1,000,000 share about 4 values; a stream shifted
                // by a few steps shares almost all 2,000.
                let shared = Set(streams[first]).intersection(streams[second]).count
                #expect(shared < 40, "connections \(first) and \(second) share \(shared) of \(draws) SKUs")
            }
        }
    }
}
