import Engine

/// The engine's SplitMix64, under the name the workloads use.
public typealias SeededGenerator = SplitMix64

/// `count` distinct values from `0..<upperBound`, in draw order.
func distinctDraws(_ count: Int, below upperBound: Int, using generator: inout SeededGenerator) -> [Int] {
    precondition(count <= upperBound)
    var drawn: [Int] = []
    while drawn.count < count {
        let value = Int.random(in: 0..<upperBound, using: &generator)
        if !drawn.contains(value) { drawn.append(value) }
    }
    return drawn
}
