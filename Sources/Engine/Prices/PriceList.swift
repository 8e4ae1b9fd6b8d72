/// Each SKU's list price, by SKU index (`StockTable.skus`). Not on the hot path
/// of reservations: read only when a customer's order is priced.
struct PriceList: Sendable {
    private(set) var entries: [Int32: ListedPrice] = [:]

    subscript(sku: Int32) -> ListedPrice? { entries[sku] }

    mutating func set(_ sku: Int32, _ price: ListedPrice?) {
        entries[sku] = price
    }

    /// The entries in SKU order, for the canonical state encoding.
    var sortedEntries: [(sku: Int32, price: ListedPrice)] {
        entries.sorted { $0.key < $1.key }.map { (sku: $0.key, price: $0.value) }
    }

    var count: Int { entries.count }
}
