import Engine

// The JSON request bodies, one per operation that takes one. Field names match
// the JSON views (and the engine's command fields); every number is an integer.
// Each is read from the strict parser's object by `JSONObject`, which refuses
// unknown fields, nulls and wrong types.

struct LineBody: RequestBody {
    var sku: String
    var location: String?
    var quantity: Int64

    static let fieldNames: Set<String> = ["sku", "location", "quantity"]
    var request: LineRequest { LineRequest(sku: sku, location: location, quantity: quantity) }

    init(_ object: JSONObject) throws(Problem) {
        sku = try object.string("sku")
        location = try object.optionalString("location")
        quantity = try object.integer("quantity")
    }
}

struct PricedLineBody: RequestBody {
    var sku: String
    var location: String?
    var quantity: Int64
    var unitPriceMinor: Int64

    static let fieldNames: Set<String> = ["sku", "location", "quantity", "unitPriceMinor"]

    init(_ object: JSONObject) throws(Problem) {
        sku = try object.string("sku")
        location = try object.optionalString("location")
        quantity = try object.integer("quantity")
        unitPriceMinor = try object.integer("unitPriceMinor")
    }
}

struct PriceBody: RequestBody {
    var sku: String
    var unitPriceMinor: Int64

    static let fieldNames: Set<String> = ["sku", "unitPriceMinor"]

    init(_ object: JSONObject) throws(Problem) {
        sku = try object.string("sku")
        unitPriceMinor = try object.integer("unitPriceMinor")
    }
}

struct SetStockBody: RequestBody {
    var location: String?
    var onHand: Int64?
    var safetyStock: Int64?
    var lowStockThreshold: Int64?
    var backorderLimit: Int64?

    static let fieldNames: Set<String> = ["location", "onHand", "safetyStock", "lowStockThreshold", "backorderLimit"]

    init(_ object: JSONObject) throws(Problem) {
        location = try object.optionalString("location")
        onHand = try object.optionalInteger("onHand")
        safetyStock = try object.optionalInteger("safetyStock")
        lowStockThreshold = try object.optionalInteger("lowStockThreshold")
        backorderLimit = try object.optionalInteger("backorderLimit")
    }
}

struct AdjustStockBody: RequestBody {
    var location: String?
    var delta: Int64
    var reason: String

    static let fieldNames: Set<String> = ["location", "delta", "reason"]

    init(_ object: JSONObject) throws(Problem) {
        location = try object.optionalString("location")
        delta = try object.integer("delta")
        reason = try object.string("reason")
    }
}

struct LocationPriorityBody: RequestBody {
    var locations: [String]

    static let fieldNames: Set<String> = ["locations"]

    init(_ object: JSONObject) throws(Problem) {
        locations = try object.strings("locations")
    }
}

struct LinesBody: RequestBody {
    var lines: [LineBody]

    static let fieldNames: Set<String> = ["lines"]

    init(_ object: JSONObject) throws(Problem) {
        lines = try object.objects("lines")
    }
}

struct ReserveBody: RequestBody {
    var reservationID: String?
    var lines: [LineBody]
    var ttlSeconds: Int64?
    var owner: String?

    static let fieldNames: Set<String> = ["reservationID", "lines", "ttlSeconds", "owner"]

    init(_ object: JSONObject) throws(Problem) {
        reservationID = try object.optionalString("reservationID")
        lines = try object.objects("lines")
        ttlSeconds = try object.optionalInteger("ttlSeconds")
        owner = try object.optionalString("owner")
    }
}

struct ExtendBody: RequestBody {
    var ttlSeconds: Int64

    static let fieldNames: Set<String> = ["ttlSeconds"]

    init(_ object: JSONObject) throws(Problem) {
        ttlSeconds = try object.integer("ttlSeconds")
    }
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

    init(_ object: JSONObject) throws(Problem) {
        orderID = try object.optionalString("orderID")
        customerID = try object.string("customerID")
        currency = try object.string("currency")
        prices = try object.objects("prices")
        taxMinor = try object.optionalInteger("taxMinor")
        shippingMinor = try object.optionalInteger("shippingMinor")
        discountMinor = try object.optionalInteger("discountMinor")
    }

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

    init(_ object: JSONObject) throws(Problem) {
        customerID = try object.optionalString("customerID")
        holdStock = try object.optionalBool("holdStock")
        holdTTLSeconds = try object.optionalInteger("holdTTLSeconds")
    }
}

struct AddCartItemBody: RequestBody {
    var sku: String
    var quantity: Int64

    static let fieldNames: Set<String> = ["sku", "quantity"]

    init(_ object: JSONObject) throws(Problem) {
        sku = try object.string("sku")
        quantity = try object.integer("quantity")
    }
}

struct SetCartItemBody: RequestBody {
    var quantity: Int64

    static let fieldNames: Set<String> = ["quantity"]

    init(_ object: JSONObject) throws(Problem) {
        quantity = try object.integer("quantity")
    }
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

    init(_ object: JSONObject) throws(Problem) {
        orderID = try object.optionalString("orderID")
        customerID = try object.string("customerID")
        lines = try object.objects("lines")
        currency = try object.string("currency")
        taxMinor = try object.optionalInteger("taxMinor")
        shippingMinor = try object.optionalInteger("shippingMinor")
        discountMinor = try object.optionalInteger("discountMinor")
    }
}
