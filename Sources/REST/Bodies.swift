import Engine

// The JSON request bodies, one per operation that takes one. Field names match
// the JSON views (and the engine's command fields); every number is an integer.

struct LineBody: Decodable {
    var sku: String
    var location: String?
    var quantity: Int64

    static let fieldNames: Set<String> = ["sku", "location", "quantity"]
    var request: LineRequest { LineRequest(sku: sku, location: location, quantity: quantity) }
}

struct PricedLineBody: Decodable {
    var sku: String
    var location: String?
    var quantity: Int64
    var unitPriceMinor: Int64

    static let fieldNames: Set<String> = ["sku", "location", "quantity", "unitPriceMinor"]
}

struct PriceBody: Decodable {
    var sku: String
    var unitPriceMinor: Int64

    static let fieldNames: Set<String> = ["sku", "unitPriceMinor"]
}

struct SetStockBody: RequestBody {
    var location: String?
    var onHand: Int64?
    var safetyStock: Int64?
    var lowStockThreshold: Int64?
    var backorderLimit: Int64?

    static let fieldNames: Set<String> = ["location", "onHand", "safetyStock", "lowStockThreshold", "backorderLimit"]
}

struct AdjustStockBody: RequestBody {
    var location: String?
    var delta: Int64
    var reason: String

    static let fieldNames: Set<String> = ["location", "delta", "reason"]
}

struct LocationPriorityBody: RequestBody {
    var locations: [String]

    static let fieldNames: Set<String> = ["locations"]
}

struct LinesBody: RequestBody {
    var lines: [LineBody]

    static let fieldNames: Set<String> = ["lines"]
    static var nestedFieldNames: [String: Set<String>] { ["lines": LineBody.fieldNames] }
}

struct ReserveBody: RequestBody {
    var reservationID: String?
    var lines: [LineBody]
    var ttlSeconds: Int64?
    var owner: String?

    static let fieldNames: Set<String> = ["reservationID", "lines", "ttlSeconds", "owner"]
    static var nestedFieldNames: [String: Set<String>] { ["lines": LineBody.fieldNames] }
}

struct ExtendBody: RequestBody {
    var ttlSeconds: Int64

    static let fieldNames: Set<String> = ["ttlSeconds"]
}

/// What turns a reservation or a cart into an order.
struct OrderTermsBody: RequestBody {
    var orderID: String?
    var customerID: String
    var currency: String
    var prices: [PriceBody]
    var taxMinor: Int64?
    var shippingMinor: Int64?
    var discountMinor: Int64?

    static let fieldNames: Set<String> = [
        "orderID", "customerID", "currency", "prices", "taxMinor", "shippingMinor", "discountMinor",
    ]
    static var nestedFieldNames: [String: Set<String>] { ["prices": PriceBody.fieldNames] }

    func terms(orderID: String) -> OrderTerms {
        OrderTerms(
            orderID: orderID, customerID: customerID, currency: currency,
            prices: prices.map { UnitPrice(sku: $0.sku, unitPriceMinor: $0.unitPriceMinor) },
            taxMinor: taxMinor ?? 0, shippingMinor: shippingMinor ?? 0, discountMinor: discountMinor ?? 0)
    }
}

struct ConfigureCartBody: RequestBody {
    var customerID: String?
    var holdStock: Bool?
    var holdTTLSeconds: Int64?

    static let fieldNames: Set<String> = ["customerID", "holdStock", "holdTTLSeconds"]
}

struct AddCartItemBody: RequestBody {
    var sku: String
    var quantity: Int64

    static let fieldNames: Set<String> = ["sku", "quantity"]
}

struct SetCartItemBody: RequestBody {
    var quantity: Int64

    static let fieldNames: Set<String> = ["quantity"]
}

struct PlaceOrderBody: RequestBody {
    var orderID: String?
    var customerID: String
    var lines: [PricedLineBody]
    var currency: String
    var taxMinor: Int64?
    var shippingMinor: Int64?
    var discountMinor: Int64?

    static let fieldNames: Set<String> = [
        "orderID", "customerID", "lines", "currency", "taxMinor", "shippingMinor", "discountMinor",
    ]
    static var nestedFieldNames: [String: Set<String>] { ["lines": PricedLineBody.fieldNames] }
}
