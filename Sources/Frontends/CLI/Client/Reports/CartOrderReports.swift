import HoldfastClient
import REST

/// A cart (`cart configure|get|add|set|remove|clear`).
struct CartReport: OperatorReport {
    struct Line: Encodable, Equatable {
        var sku: String
        var quantity: Int64
    }

    var cartID: String
    var customerID: String?
    var lines: [Line]
    var holdStock: Bool
    var holdTTLSeconds: Int64
    var holdDeadlineNanoseconds: Int64?
    var holdDeadline: String?
    var holdAllocations: [AllocationJSON]
    var replayed: Bool

    init(_ view: CartView) {
        cartID = view.cartID
        customerID = view.customerID
        lines = view.lines.map { Line(sku: $0.sku, quantity: $0.quantity) }
        holdStock = view.holdStock
        holdTTLSeconds = view.holdTTLSeconds
        holdDeadlineNanoseconds = view.holdDeadline
        holdDeadline = view.holdDeadline.map { OperatorTime.iso8601(nanoseconds: $0) }
        holdAllocations = view.holdAllocations.map(AllocationJSON.init)
        replayed = view.replayed
    }

    func table() -> String {
        let hold = holdStock ? "yes, \(holdTTLSeconds) s" + (holdDeadline.map { ", until \($0)" } ?? "") : "no"
        let fields = ClientFields.lines([("cart", cartID), ("customer", customerID ?? "-"), ("holds stock", hold)])
        let lineTable = OperatorOutput.table(["SKU", "quantity"], lines.map { [$0.sku, String($0.quantity)] })
        return fields + "\n\n" + (lines.isEmpty ? "(no lines)" : lineTable)
    }
}

/// An order (`order place|get|pay|fulfill|cancel`, `reservation confirm`, `cart checkout`).
struct OrderReport: OperatorReport {
    struct Line: Encodable, Equatable {
        var sku: String
        var location: String
        var quantity: Int64
        var unitPriceMinor: Int64
    }

    struct Totals: Encodable, Equatable {
        var subtotalMinor: Int64
        var taxMinor: Int64
        var shippingMinor: Int64
        var discountMinor: Int64
        var totalMinor: Int64
        var currency: String
    }

    var orderID: String
    var customerID: String
    var status: String
    var lines: [Line]
    var totals: Totals
    var placedAtNanoseconds: Int64
    var placedAt: String
    var reservationID: String?
    var replayed: Bool

    init(_ view: OrderView) {
        orderID = view.orderID
        customerID = view.customerID
        status = view.status.description
        lines = view.lines.map {
            Line(sku: $0.sku, location: $0.location, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor)
        }
        let totals = view.totals
        self.totals = Totals(
            subtotalMinor: totals.subtotalMinor, taxMinor: totals.taxMinor, shippingMinor: totals.shippingMinor,
            discountMinor: totals.discountMinor, totalMinor: totals.totalMinor, currency: totals.currency)
        placedAtNanoseconds = view.placedAt
        placedAt = OperatorTime.iso8601(nanoseconds: view.placedAt)
        reservationID = view.reservationID
        replayed = view.replayed
    }

    func table() -> String {
        let amounts =
            "\(totals.totalMinor) \(totals.currency) (subtotal \(totals.subtotalMinor), tax \(totals.taxMinor), "
            + "shipping \(totals.shippingMinor), discount \(totals.discountMinor); minor units)"
        let fields = ClientFields.lines([
            ("order", orderID), ("customer", customerID), ("status", status), ("placed (UTC)", placedAt),
            ("reservation", reservationID ?? "-"), ("total", amounts), ("replayed", replayed ? "yes" : "no"),
        ])
        let rows = lines.map { [$0.sku, $0.location, String($0.quantity), String($0.unitPriceMinor)] }
        return fields + "\n\n" + OperatorOutput.table(["SKU", "location", "quantity", "unit price"], rows)
    }
}

/// `order list`: a page of a customer's orders.
struct OrderPageReport: OperatorReport {
    var orders: [OrderReport]
    var nextAfterOrderID: String?

    init(_ page: OrderPage) {
        orders = page.orders.map(OrderReport.init)
        nextAfterOrderID = page.nextAfterOrderID
    }

    func table() -> String {
        let rows = orders.map {
            [$0.orderID, $0.status, String($0.totals.totalMinor), $0.totals.currency, $0.placedAt]
        }
        let table = OperatorOutput.table(["order", "status", "total (minor)", "currency", "placed (UTC)"], rows)
        guard let next = nextAfterOrderID else { return table }
        return table + "\nmore: --after \(next)"
    }
}
