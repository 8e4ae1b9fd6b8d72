extension StateMachine {
    /// Checks every invariant of the whole state; returns one line per violation
    /// (empty when all hold). Linear in the state's size: tests call it after
    /// every command, production code does not.
    ///
    /// Never oversell: `available ≥ −backorderLimit` and `onHand ≥ 0` per record.
    /// `reserved` equals the sum of active reservation lines (cart holds
    /// included) and `committed` the sum of open order lines, per record.
    public func checkInvariants() -> [String] {
        var violations: [String] = []
        var reservedByRecord = [Int64](repeating: 0, count: stock.records.count)
        var committedByRecord = [Int64](repeating: 0, count: stock.records.count)
        var liveNodes = 0

        for slot in reservations.slots.liveSlots {
            let record = reservations[slot]
            liveNodes += chainLength(record.lines, violations: &violations)
            let isActive = record.status == .active
            if isActive != (record.heapPosition != noSlot) {
                violations.append("reservation \(record.id): status \(record.status) but heap position \(record.heapPosition)")
            }
            if isActive {
                lines.forEach(chainStartingAt: record.lines.first) { reservedByRecord[Int($0.stockRecord)] += $0.quantity }
            }
            if record.isCartHold && (!isActive || carts[record.cart].hold != slot) {
                violations.append("cart hold \(record.id) is not the live hold of its cart")
            }
            if !record.isCartHold && reservations.slot(store: record.store, id: record.id) != slot {
                violations.append("reservation \(record.id) is not indexed under its id")
            }
        }
        for (position, entry) in reservations.heap.enumerated() {
            if reservations[entry.slot].heapPosition != Int32(position) {
                violations.append("heap position of slot \(entry.slot) is stale")
            }
            if reservations[entry.slot].deadline != entry.deadline {
                violations.append("heap deadline of slot \(entry.slot) is stale")
            }
            let parent = (position - 1) / 2
            if position > 0 && entry.precedes(reservations.heap[parent]) {
                violations.append("expiry heap order broken at \(position)")
            }
        }
        for slot in orders.slots.liveSlots {
            let order = orders[slot]
            liveNodes += chainLength(order.lines, violations: &violations)
            if order.isOpen {
                lines.forEach(chainStartingAt: order.lines.first) { committedByRecord[Int($0.stockRecord)] += $0.quantity }
            }
            var subtotal: Int64 = 0
            lines.forEach(chainStartingAt: order.lines.first) { subtotal += $0.quantity * $0.unitPriceMinor }
            if subtotal != order.subtotalMinor
                || order.totalMinor != subtotal + order.taxMinor + order.shippingMinor - order.discountMinor
            {
                violations.append("order \(order.id): totals do not add up")
            }
        }
        for slot in carts.slots.liveSlots {
            let cart = carts[slot]
            if cart.hold != noSlot && reservations[cart.hold].cart != slot {
                violations.append("cart \(cart.id): hold points elsewhere")
            }
            if cart.lines.contains(where: { $0.quantity <= 0 || $0.quantity > Limits.quantityMax }) {
                violations.append("cart \(cart.id): line quantity out of range")
            }
        }
        if liveNodes != lines.liveCount {
            violations.append("line pool: \(lines.liveCount) nodes in use but \(liveNodes) reachable (leak)")
        }
        for (index, record) in stock.records.enumerated() {
            let name = "\(stock.skuName(ofRecord: Int32(index)))@\(stock.locationName(ofRecord: Int32(index)))"
            if record.onHand < 0 { violations.append("\(name): onHand \(record.onHand) < 0") }
            if record.sellable < 0 {
                violations.append("\(name): oversold, available \(record.available) < −backorderLimit \(record.backorderLimit)")
            }
            if record.reserved != reservedByRecord[index] {
                violations.append("\(name): reserved \(record.reserved) ≠ active reservation lines \(reservedByRecord[index])")
            }
            if record.committed != committedByRecord[index] {
                violations.append("\(name): committed \(record.committed) ≠ open order lines \(committedByRecord[index])")
            }
        }
        return violations
    }

    private func chainLength(_ chain: LinePool.Chain, violations: inout [String]) -> Int {
        var count: Int32 = 0
        var last: Int32 = noSlot
        var index = chain.first
        while index != noSlot && count <= chain.count {
            count += 1
            last = index
            index = lines[index].next
        }
        if count != chain.count || last != chain.last {
            violations.append("line chain starting at \(chain.first): count or tail is wrong")
        }
        return Int(count)
    }
}
