/// SplitMix64: a small seeded generator, so every run draws the same SKUs.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

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
