extension Array {
    /// Appends `element`, first restoring `reservedCapacity` if the array is
    /// full below it: a copy-on-write copy keeps only its count as capacity,
    /// and would otherwise grow back by doubling, a reallocation each time.
    ///
    /// Each time the array fills another `PageCommitter.windowBytes`, it asks
    /// for the two windows after that one to be committed, so its appends
    /// write to pages the kernel has already committed.
    @inline(__always)
    mutating func append(_ element: Element, reserving reservedCapacity: Int) {
        if count == capacity && count < reservedCapacity { reserveCapacity(reservedCapacity) }
        if count % Self.commitWindowElements == 0 && reservedCapacity > count { commitAhead() }
        append(element)
    }

    private static var commitWindowElements: Int {
        Swift.max(1, PageCommitter.windowBytes / Swift.max(1, MemoryLayout<Element>.stride))
    }

    @inline(never)
    private mutating func commitAhead() {
        let window = Self.commitWindowElements
        let start = count + window
        let end = Swift.min(capacity, count + 3 * window)
        guard end > start else { return }
        let stride = MemoryLayout<Element>.stride
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            PageCommitter.shared.commit(UnsafeRawPointer(base) + start * stride, byteCount: (end - start) * stride)
        }
    }
}
