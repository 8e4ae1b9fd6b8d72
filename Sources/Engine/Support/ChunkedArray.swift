/// An array stored as fixed-size chunks, each its own copy-on-write buffer.
///
/// Copying the value is O(1), as with `Array`; but when two copies exist and
/// one is changed, only the touched chunk (and the small array of chunk
/// references) is duplicated, not the whole table. Snapshots used to take a
/// copy of a shard's state on the writer thread (now only when the shard's
/// files cannot rebuild it); with a plain array the writer's next change to a
/// stock record duplicated all of them at once (17.9 ms for 1M records), with
/// chunks it pays one 48 KiB chunk per chunk it touches.
///
/// The price is a second indirection on every access: used for the stock
/// records only (the largest table at 1M SKUs; +8 % on a hot reserve), it
/// cost +25 % when the line pool, slot tables, hash indexes and heap were
/// chunked too (measured; docs/BENCHMARKS.md).
struct ChunkedArray<Element>: RandomAccessCollection, MutableCollection {
    /// 1,024 elements per chunk (48 KiB of stock records).
    static var chunkShift: Int { 10 }
    static var chunkSize: Int { 1 << chunkShift }
    static var chunkMask: Int { chunkSize - 1 }

    /// At least enough chunks for `count` elements; chunks past the last
    /// element are empty but keep their storage, so a table that shrinks and
    /// grows again across a chunk boundary does not allocate each time.
    private var chunks: ContiguousArray<ContiguousArray<Element>> = []
    private(set) var count = 0

    init() {}

    init(_ elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    init(repeating element: Element, count: Int) {
        precondition(count >= 0)
        var remaining = count
        while remaining > 0 {
            let size = Swift.min(remaining, Self.chunkSize)
            chunks.append(ContiguousArray(repeating: element, count: size))
            remaining -= size
        }
        self.count = count
    }

    /// Room for the references to the chunks of `capacity` elements, so
    /// appending up to it adds chunks without reallocating the array of them
    /// (the chunks themselves are allocated as they fill).
    mutating func reserveCapacity(_ capacity: Int) {
        precondition(capacity >= 0)
        chunks.reserveCapacity((capacity + Self.chunkMask) >> Self.chunkShift)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    /// Out-of-range positions trap in the chunk arrays' own bounds checks:
    /// chunks past the last element are empty, and the last one holds exactly
    /// the elements below `count`.
    subscript(position: Int) -> Element {
        @inline(__always) get { chunks[position &>> Self.chunkShift][position & Self.chunkMask] }
        @inline(__always) _modify { yield &chunks[position &>> Self.chunkShift][position & Self.chunkMask] }
    }

    mutating func append(_ element: Element) {
        let chunk = count &>> Self.chunkShift
        if chunk == chunks.count {
            var fresh: ContiguousArray<Element> = []
            fresh.reserveCapacity(Self.chunkSize)
            chunks.append(fresh)
        }
        chunks[chunk].append(element)
        count += 1
    }

    @discardableResult
    mutating func removeLast() -> Element {
        precondition(count > 0, "removeLast on an empty array")
        let last = self[count - 1]
        truncate(to: count - 1)
        return last
    }

    /// Removes elements from `newCount` on.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        guard newCount < count else { return }
        let firstTouched = newCount &>> Self.chunkShift
        let lastTouched = (count - 1) &>> Self.chunkShift
        for chunk in firstTouched...lastTouched {
            let keep = chunk == firstTouched ? newCount & Self.chunkMask : 0
            chunks[chunk].removeSubrange(keep...)
        }
        count = newCount
    }

    mutating func removeAll() {
        chunks.removeAll()
        count = 0
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}

extension ChunkedArray: Equatable where Element: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }
}
