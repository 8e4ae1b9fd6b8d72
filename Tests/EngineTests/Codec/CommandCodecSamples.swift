@testable import Engine

/// Commands of every kind on their edges, for the codec tests: empty optionals
/// and arrays, the longest strings decoding accepts, 256 lines, negative and
/// extreme integers, non-ASCII text.
enum CommandCodecSamples {
    /// The longest string of `character` a field with validation limit `limit`
    /// may hold and still decode (its bytes are exactly the bound for ASCII and é).
    static func longest(_ limit: Int, _ character: Character = "x") -> String {
        String(repeating: character, count: CommandCodec.stringBoundFactor * limit / character.utf8.count)
    }

    static let longestStore = longest(Limits.storeIDMaxBytes)
    static let longestSKU = longest(Limits.skuMaxBytes)
    static let longestLocation = longest(Limits.locationMaxBytes)
    static let longestKey = longest(Limits.requestKeyMaxBytes)
    static let longestCurrency = longest(CommandCodec.currencyCodeBytes)

    /// `count` lines alternating between no location and the longest one.
    static func lines(_ count: Int, quantity: Int64 = 1) -> [LineRequest] {
        (0..<count).map { (index: Int) -> LineRequest in
            let location: String? = index % 2 == 0 ? nil : longestLocation
            return LineRequest(sku: "sku\(index)", location: location, quantity: quantity)
        }
    }

    static func pricedLines(_ count: Int) -> [PricedLineRequest] {
        (0..<count).map { (index: Int) -> PricedLineRequest in
            let location: String? = index % 2 == 0 ? nil : "east"
            let unitPriceMinor: Int64 = index % 3 == 0 ? .max : .min
            return PricedLineRequest(
                sku: "sku\(index)", location: location, quantity: Int64(index) - 128, unitPriceMinor: unitPriceMinor)
        }
    }

    static func prices(_ count: Int) -> [UnitPrice] {
        (0..<count).map { UnitPrice(sku: "sku\($0)", unitPriceMinor: Int64($0) * 1_000) }
    }

    static let extremeTerms = OrderTerms(
        orderID: longest(Limits.orderIDMaxBytes, "é"), customerID: "", currency: longestCurrency,
        prices: prices(Limits.pricesPerOrderMax), taxMinor: .min, shippingMinor: .max, discountMinor: -1)

    static let plainTerms = OrderTerms(orderID: "o1", customerID: "c1", currency: "EUR")

    static let stock: [Command] = [
        .setStock(SetStock(store: "s1", sku: "sku1")),
        .setStock(
            SetStock(
                store: longestStore, sku: longestSKU, location: longestLocation, onHand: .min, safetyStock: .max,
                lowStockThreshold: 0, backorderLimit: -1, requestKey: longestKey)),
        .adjustStock(AdjustStock(store: "s1", sku: "sku1", delta: -Limits.quantityMax, reason: "damaged")),
        .adjustStock(
            AdjustStock(
                store: "s1", sku: "sku1", location: "", delta: .min, reason: longest(Limits.reasonMaxBytes),
                requestKey: "")),
        .setLocationPriority(SetLocationPriority(store: "s1", locations: [])),
        .setLocationPriority(
            SetLocationPriority(
                store: "s1", locations: (0..<Limits.locationsPerStoreMax).map { "loc\($0)" }, requestKey: "k1")),
    ]

    static let reservations: [Command] = [
        .reserve(Reserve(store: "s1", reservationID: "r1", lines: [LineRequest(sku: "sku1", quantity: 1)])),
        .reserve(Reserve(store: "s1", reservationID: "r2", lines: [], ttlSeconds: .min, owner: "")),
        .reserve(
            Reserve(
                store: "s1", reservationID: longest(Limits.reservationIDMaxBytes),
                lines: lines(Limits.reservationLinesMax, quantity: .max), ttlSeconds: .max, owner: "ñandú 🦤")),
        .extendReservation(ExtendReservation(store: "s1", reservationID: "r1", ttlSeconds: -1)),
        .extendReservation(ExtendReservation(store: "s1", reservationID: "r1", ttlSeconds: .max, requestKey: "k")),
        .releaseReservation(ReservationReference(store: "", reservationID: "")),
        .confirmReservation(ConfirmReservation(store: "s1", reservationID: "r1", terms: plainTerms)),
        .confirmReservation(ConfirmReservation(store: "s1", reservationID: "r1", terms: extremeTerms)),
    ]

    static let carts: [Command] = [
        .configureCart(ConfigureCart(store: "s1", cartID: "c1")),
        .configureCart(
            ConfigureCart(
                store: "s1", cartID: longest(Limits.cartIDMaxBytes), customerID: longest(Limits.customerIDMaxBytes),
                holdStock: true, holdTTLSeconds: .min)),
        .addCartItem(AddCartItem(store: "s1", cartID: "c1", sku: "sku1", quantity: -5)),
        .addCartItem(AddCartItem(store: "s1", cartID: "c1", sku: "sku1", quantity: .max, requestKey: "k2")),
        .setCartItem(SetCartItem(store: "s1", cartID: "c1", sku: "sku1", quantity: 0)),
        .setCartItem(SetCartItem(store: "s1", cartID: "c1", sku: "sku1", quantity: .min)),
        .removeCartItem(RemoveCartItem(store: "s1", cartID: "c1", sku: "")),
        .clearCart(CartReference(store: "s1", cartID: "c1")),
        .checkoutCart(CheckoutCart(store: "s1", cartID: "c1", terms: plainTerms)),
        .checkoutCart(CheckoutCart(store: "s1", cartID: "c1", terms: extremeTerms)),
    ]

    static let orders: [Command] = [
        .placeOrder(PlaceOrder(store: "s1", orderID: "o1", customerID: "c1", lines: [], currency: "")),
        .placeOrder(
            PlaceOrder(
                store: "s1", orderID: "o2", customerID: "c1", lines: pricedLines(Limits.orderLinesMax),
                currency: longestCurrency, taxMinor: .max, shippingMinor: .min, discountMinor: -1)),
        .payOrder(OrderTransition(store: "s1", orderID: "o1")),
        .fulfillOrder(OrderTransition(store: "s1", orderID: "o1", requestKey: longestKey)),
        .cancelOrder(OrderTransition(store: "s1", orderID: "o1", requestKey: "")),
    ]

    static let queries: [Command] = [
        .getStock(StockQuery(store: "s1", sku: longestSKU)),
        .checkAvailability(AvailabilityQuery(store: "s1", lines: [])),
        .checkAvailability(
            AvailabilityQuery(store: "s1", lines: lines(Limits.availabilityCheckLinesMax, quantity: -1))),
        .getReservation(ReservationReference(store: "s1", reservationID: "r1")),
        .getCart(CartReference(store: "s1", cartID: "c1")),
        .getOrder(OrderReference(store: "s1", orderID: "o1")),
        .listOrders(OrderListQuery(store: "s1", customerID: "c1")),
        .listOrders(OrderListQuery(store: "s1", customerID: "c1", afterOrderID: "o9", limit: .min)),
        .listOrders(OrderListQuery(store: "s1", customerID: "c1", afterOrderID: "", limit: .max)),
        .getPrice(PriceQuery(store: "s1", sku: longestSKU)),
    ]

    static let prices: [Command] = [
        .setPrice(SetPrice(store: "s1", sku: "sku1", currency: "EUR", unitPriceMinor: 1_999, requestKey: "k1")),
        .setPrice(SetPrice(store: "s1", sku: longestSKU, currency: "", unitPriceMinor: nil)),
        .setPrice(SetPrice(store: "", sku: "", currency: "EU", unitPriceMinor: .min, requestKey: longestKey)),
    ]

    /// Every sample, at least one per tag.
    static let all: [Command] = [.advanceTime] + stock + prices + reservations + carts + orders + queries

    /// Whether `command` has an array longer than decoding accepts (it still encodes).
    static func exceedsCountLimits(_ command: Command) -> Bool {
        switch command {
        case .setLocationPriority(let payload): payload.locations.count > Limits.locationsPerStoreMax
        case .reserve(let payload): payload.lines.count > Limits.reservationLinesMax
        case .confirmReservation(let payload): payload.terms.prices.count > Limits.pricesPerOrderMax
        case .checkoutCart(let payload): payload.terms.prices.count > Limits.pricesPerOrderMax
        case .placeOrder(let payload): payload.lines.count > Limits.orderLinesMax
        case .checkAvailability(let payload): payload.lines.count > Limits.availabilityCheckLinesMax
        default: false
        }
    }

    /// Lower-case hex, two digits per byte, no separators.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    /// Bytes from hex digits; spaces and newlines are ignored.
    static func bytes(hex: String) -> [UInt8] {
        let digits = hex.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16)! }
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
