extension Array {
    /// Appends `element`, first restoring `reservedCapacity` if the array is
    /// full below it: a copy-on-write copy keeps only its count as capacity,
    /// and would otherwise grow back by doubling, a reallocation each time.
    @inline(__always)
    mutating func append(_ element: Element, reserving reservedCapacity: Int) {
        if count == capacity && count < reservedCapacity { reserveCapacity(reservedCapacity) }
        append(element)
    }
}
