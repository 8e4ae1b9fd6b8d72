import Testing

@testable import Engine

@Suite struct ChunkedArrayTests {
    @Test("Behaves like an array across chunk boundaries: append, modify, truncate, removeLast, repeating")
    func matchesArray() {
        var chunked = ChunkedArray<Int>()
        var array: [Int] = []
        var state: UInt64 = 7
        for step in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let choice = Int(state >> 33) % 10
            if choice < 6 || array.isEmpty {
                chunked.append(step)
                array.append(step)
            } else if choice < 8 {
                let index = Int(state >> 20) % array.count
                chunked[index] += 3
                array[index] += 3
            } else if choice == 8 {
                #expect(chunked.removeLast() == array.removeLast())
            } else {
                let newCount = array.count - min(array.count, Int(state >> 40) % 1_500)
                chunked.truncate(to: newCount)
                array.removeSubrange(newCount...)
            }
            #expect(chunked.count == array.count)
        }
        #expect(Array(chunked) == array)
        let repeated = ChunkedArray(repeating: 9, count: 2_500)
        #expect(repeated.count == 2_500 && repeated.allSatisfy { $0 == 9 })
        #expect(ChunkedArray([1, 2, 3]) == ChunkedArray([1, 2, 3]))
    }

    @Test("A copy is independent: changing one leaves the other as it was")
    func copiesAreIndependent() {
        var original = ChunkedArray(0..<5_000)
        let copy = original
        original[4_000] = -1
        original.append(5_000)
        original.truncate(to: 100)
        #expect(copy.count == 5_000)
        #expect(copy[4_000] == 4_000)
        #expect(Array(copy) == Array(0..<5_000))
        #expect(Array(original) == Array(0..<100))
    }
}
