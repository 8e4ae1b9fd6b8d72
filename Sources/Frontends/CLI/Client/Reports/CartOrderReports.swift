import HoldfastClient
import REST

typealias CartReport = CartJSON
typealias OrderReport = OrderJSON
typealias OrderPageReport = OrderPageJSON

extension CartJSON: OperatorReport {
    func table() -> String {
        let hold = holdStock ? "yes, \(holdTTLSeconds) s" + (holdDeadline.map { ", until \($0)" } ?? "") : "no"
        let fields = ClientFields.lines([("cart", cartID), ("customer", customerID ?? "-"), ("holds stock", hold)])
        let lineTable = OperatorOutput.table(["SKU", "quantity"], lines.map { [$0.sku, String($0.quantity)] })
        return fields + "\n\n" + (lines.isEmpty ? "(no lines)" : lineTable)
    }
}

extension OrderJSON: OperatorReport {
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
extension OrderPageJSON: OperatorReport {
    func table() -> String {
        let rows = orders.map {
            [$0.orderID, $0.status, String($0.totals.totalMinor), $0.totals.currency, $0.placedAt]
        }
        let table = OperatorOutput.table(["order", "status", "total (minor)", "currency", "placed (UTC)"], rows)
        guard let next = nextAfterOrderID else { return table }
        return table + "\nmore: --after \(next)"
    }
}
