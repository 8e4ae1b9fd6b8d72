extension Array {
    /// Appends `element`, first restoring `reservedCapacity` if the array is
    /// full below it: a copy-on-write copy keeps only its count as capacity,
    /// and would otherwise grow back by doubling, a reallocation each time.
    @inline(__always)
    mutating func append(_ element: Element, reserving reservedCapacity: Int) {
        if count == capacity && count < reservedCapacity { reserveCapacity(reservedCapacity) }
        append(element)
    }

    /// `append(_:reserving:)` for an array that grows towards its reserved
    /// capacity: when it comes within `PageCommitter.windowBytes` of
    /// `committedThrough` (elements whose pages were asked for), it asks
    /// `PageCommitter` for the pages up to three windows past its end, so its
    /// appends write to pages the kernel has already committed. The owner
    /// keeps `committedThrough`, so no page is asked for twice.
    @inline(__always)
    mutating func append(_ element: Element, reserving reservedCapacity: Int, committedThrough: inout Int) {
        if count == capacity && count < reservedCapacity { reserveCapacity(reservedCapacity) }
        if count + Self.commitWindowElements > committedThrough && reservedCapacity > count {
            commitAhead(&committedThrough)
        }
        append(element)
    }

    private static var commitWindowElements: Int {
        Swift.max(1, PageCommitter.windowBytes / Swift.max(1, MemoryLayout<Element>.stride))
    }

    @inline(never)
    private mutating func commitAhead(_ committedThrough: inout Int) {
        let start = Swift.max(committedThrough, count)
        let end = Swift.min(capacity, count + 3 * Self.commitWindowElements)
        committedThrough = Swift.max(committedThrough, end)
        guard end > start else { return }
        let stride = MemoryLayout<Element>.stride
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            PageCommitter.shared.commit(UnsafeRawPointer(base) + start * stride, byteCount: (end - start) * stride)
        }
    }
}
