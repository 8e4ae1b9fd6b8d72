// The price list: one list price per SKU of a store, set by a service caller
// and used whenever a customer turns a reservation or cart into an order.

/// Sets (or, with `unitPriceMinor` nil, removes) the list price of an existing SKU.
public struct SetPrice: Sendable, Equatable {
    public var store: String
    public var sku: String
    /// ISO 4217 code, three upper-case letters; ignored when the price is removed.
    public var currency: String
    /// 0 ... `Limits.amountMinorMax`; nil removes the SKU from the price list.
    public var unitPriceMinor: Int64?
    public var requestKey: String?

    public init(store: String, sku: String, currency: String, unitPriceMinor: Int64?, requestKey: String? = nil) {
        self.store = store
        self.sku = sku
        self.currency = currency
        self.unitPriceMinor = unitPriceMinor
        self.requestKey = requestKey
    }
}

/// Reads the list price of one SKU.
public struct PriceQuery: Sendable, Equatable {
    public var store: String
    public var sku: String

    public init(store: String, sku: String) {
        self.store = store
        self.sku = sku
    }
}

/// A SKU's entry in its store's price list: `listed` is nil when it has none.
public struct PriceView: Sendable, Equatable {
    public var sku: String
    public var listed: ListedPrice?
    public var replayed: Bool

    public init(sku: String, listed: ListedPrice?, replayed: Bool = false) {
        self.sku = sku
        self.listed = listed
        self.replayed = replayed
    }
}

/// A unit price in minor units of its currency.
public struct ListedPrice: Sendable, Equatable, Hashable {
    public var currency: String
    public var unitPriceMinor: Int64

    public init(currency: String, unitPriceMinor: Int64) {
        self.currency = currency
        self.unitPriceMinor = unitPriceMinor
    }
}
