@testable import Engine

extension ReferenceModel {
    /// Expires due holds earliest deadline first (ties by slot), then purges
    /// retained records: finished reservations, finished orders, request keys.
    mutating func advanceTime() -> Outcome {
        var due: [(deadline: Int64, slot: Int, reservation: ModelKey?, cart: ModelKey?)] = []
        for (key, reservation) in reservations where reservation.status == .active && reservation.deadline <= clock {
            due.append((reservation.deadline, reservation.slot, key, nil))
        }
        for (key, cart) in carts {
            if let hold = cart.hold, hold.deadline <= clock { due.append((hold.deadline, hold.slot, nil, key)) }
        }
        due.sort { ($0.deadline, $0.slot) < ($1.deadline, $1.slot) }
        var report = TickReport()
        for entry in due.prefix(limits.expirationsPerTickMax) {
            if let key = entry.reservation { expireReservation(key) }
            if let key = entry.cart { expireHold(of: key) }
            report.expiredReservations += 1
        }
        let keyCutoff = clock - limits.idempotencyRetentionSeconds * Limits.nanosecondsPerSecond
        let orderCutoff = clock - limits.finishedOrderRetentionSeconds * Limits.nanosecondsPerSecond
        while report.purgedRecords < limits.purgesPerTickMax, let oldest = finishedReservations.first,
            reservations[oldest]!.finishedAt <= keyCutoff
        {
            purgeOldestFinishedReservation()
            report.purgedRecords += 1
        }
        while report.purgedRecords < limits.purgesPerTickMax, let oldest = finishedOrders.first,
            orders[oldest]!.finishedAt <= orderCutoff
        {
            purgeOldestFinishedOrder()
            report.purgedRecords += 1
        }
        while report.purgedRecords < limits.purgesPerTickMax, let oldest = requestKeyQueue.first,
            requestKeys[oldest]!.recordedAt <= keyCutoff
        {
            requestKeys[requestKeyQueue.removeFirst()] = nil
            report.purgedRecords += 1
        }
        // Idle carts: least recently changed first, while the budget lasts.
        let cartCutoff = clock - limits.idleCartRetentionSeconds * Limits.nanosecondsPerSecond
        let idle = carts.sorted { $0.value.touchedLSN < $1.value.touchedLSN }
        for (key, cart) in idle {
            guard report.purgedRecords < limits.purgesPerTickMax, cart.touchedAt <= cartCutoff else { break }
            releaseHold(of: key)
            carts[key] = nil
            report.purgedRecords += 1
            notable["idle cart removed", default: 0] += 1
        }
        if report.expiredReservations + report.purgedRecords > 0 { changed = true }
        notable["tick expired", default: 0] += report.expiredReservations
        notable["tick purged", default: 0] += report.purgedRecords
        if due.count > limits.expirationsPerTickMax { notable["tick expiry capped", default: 0] += 1 }
        return .success(.tick(report))
    }
}
