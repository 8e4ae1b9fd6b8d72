/// Canonical bytes of a `CommandResult`, used where results are part of the
/// state (idempotency entries) and so must encode deterministically.
enum ResultEncoding {
    static func encode(_ result: CommandResult, into writer: inout BinaryWriter) {
        switch result {
        case .tick(let report):
            writer.write(UInt8(1))
            writer.write(Int64(report.expiredReservations))
            writer.write(Int64(report.purgedRecords))
        case .stockRecord(let view):
            writer.write(UInt8(2))
            writer.write(view.sku)
            writer.write(view.location)
            encode(view.levels, into: &writer)
            writer.write(view.replayed)
        case .stock(let view):
            writer.write(UInt8(3))
            writer.write(view.sku)
            writer.write(count: view.locations.count)
            for location in view.locations {
                writer.write(location.location)
                encode(location.levels, into: &writer)
            }
            encode(view.totals, into: &writer)
        case .locationPriority(let names):
            writer.write(UInt8(4))
            writer.write(count: names.count)
            for name in names { writer.write(name) }
        case .reservation(let view):
            writer.write(UInt8(5))
            encode(view, into: &writer)
        case .availability(let lines):
            writer.write(UInt8(6))
            writer.write(count: lines.count)
            for line in lines {
                writer.write(line.sku)
                writer.write(line.location)
                writer.write(line.requested)
                writer.write(line.available)
                writer.write(line.satisfiable)
            }
        case .cart(let view):
            writer.write(UInt8(7))
            encode(view, into: &writer)
        case .order(let view):
            writer.write(UInt8(8))
            encode(view, into: &writer)
        case .orders(let page):
            writer.write(UInt8(9))
            writer.write(count: page.orders.count)
            for order in page.orders { encode(order, into: &writer) }
            writer.write(page.nextAfterOrderID)
        case .price(let view):
            writer.write(UInt8(10))
            writer.write(view.sku)
            writer.write(view.listed != nil)
            if let listed = view.listed {
                writer.write(listed.currency)
                writer.write(listed.unitPriceMinor)
            }
            writer.write(view.replayed)
        }
    }

    static func encode(_ levels: StockLevels, into writer: inout BinaryWriter) {
        for value in [
            levels.onHand, levels.reserved, levels.committed, levels.safetyStock, levels.lowStockThreshold,
            levels.backorderLimit,
        ] {
            writer.write(value)
        }
    }

    static func encode(_ allocations: some Collection<LineAllocation>, into writer: inout BinaryWriter) {
        writer.write(count: allocations.count)
        for allocation in allocations {
            writer.write(allocation.sku)
            writer.write(allocation.location)
            writer.write(allocation.quantity)
        }
    }

    static func encode(_ view: ReservationView, into writer: inout BinaryWriter) {
        writer.write(view.reservationID)
        writer.write(view.owner)
        writer.write(view.status.rawValue)
        writer.write(view.deadline)
        encode(view.allocations, into: &writer)
        writer.write(view.orderID)
        writer.write(view.replayed)
    }

    static func encode(_ view: CartView, into writer: inout BinaryWriter) {
        writer.write(view.cartID)
        writer.write(view.customerID)
        writer.write(count: view.lines.count)
        for line in view.lines {
            writer.write(line.sku)
            writer.write(line.quantity)
        }
        writer.write(view.holdStock)
        writer.write(view.holdTTLSeconds)
        writer.write(view.holdDeadline)
        encode(view.holdAllocations, into: &writer)
        writer.write(view.replayed)
    }

    static func encode(_ view: OrderView, into writer: inout BinaryWriter) {
        writer.write(view.orderID)
        writer.write(view.customerID)
        writer.write(view.status.rawValue)
        writer.write(count: view.lines.count)
        for line in view.lines {
            writer.write(line.sku)
            writer.write(line.location)
            writer.write(line.quantity)
            writer.write(line.unitPriceMinor)
        }
        let totals = view.totals
        for amount in [totals.subtotalMinor, totals.taxMinor, totals.shippingMinor, totals.discountMinor, totals.totalMinor] {
            writer.write(amount)
        }
        writer.write(totals.currency)
        writer.write(view.placedAt)
        writer.write(view.reservationID)
        writer.write(view.replayed)
    }
}
