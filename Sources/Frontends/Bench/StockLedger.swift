/// What the client knows about the units it took from each SKU: bounds on the
/// units the server should hold for it (reserved, committed or fulfilled).
///
/// An acknowledged grant raises both bounds, an acknowledged release lowers
/// both; an operation whose outcome is unknown (a lost reply, a journal
/// failure) moves only the bound it may have moved. With no unknowns the
/// bounds are equal, and the server must agree exactly.
///
/// Not thread-safe: each ledger is used by the drivers of one event loop, on
/// that loop; ledgers are merged when the run is over.
final class StockLedger: @unchecked Sendable {
    private(set) var lowerUnits: [Int64]
    private(set) var upperUnits: [Int64]
    private(set) var touched: [Bool]

    init(skuCount: Int) {
        lowerUnits = [Int64](repeating: 0, count: skuCount)
        upperUnits = [Int64](repeating: 0, count: skuCount)
        touched = [Bool](repeating: false, count: skuCount)
    }

    var skuCount: Int { touched.count }

    /// A request for `sku` was sent: read it back at the end.
    @inline(__always)
    func markTouched(_ sku: Int32) { touched[Int(sku)] = true }

    /// The server acknowledged taking `units` (reservation placed, cart checked out).
    @inline(__always)
    func granted(_ sku: Int32, units: Int64 = 1) {
        lowerUnits[Int(sku)] += units
        upperUnits[Int(sku)] += units
    }

    /// The server may or may not have taken `units`.
    @inline(__always)
    func maybeGranted(_ sku: Int32, units: Int64 = 1) { upperUnits[Int(sku)] += units }

    /// The server acknowledged giving `units` back (release, order cancelled).
    @inline(__always)
    func returned(_ sku: Int32, units: Int64 = 1) {
        lowerUnits[Int(sku)] -= units
        upperUnits[Int(sku)] -= units
    }

    /// The server may or may not have given `units` back.
    @inline(__always)
    func maybeReturned(_ sku: Int32, units: Int64 = 1) { lowerUnits[Int(sku)] -= units }

    /// Adds another ledger's bounds and touched SKUs to this one.
    func merge(_ other: StockLedger) {
        precondition(other.skuCount == skuCount)
        for index in 0..<skuCount {
            lowerUnits[index] += other.lowerUnits[index]
            upperUnits[index] += other.upperUnits[index]
            touched[index] = touched[index] || other.touched[index]
        }
    }

    /// Indices of the SKUs requests were sent for.
    var touchedIndices: [Int] { touched.indices.filter { touched[$0] } }
}
