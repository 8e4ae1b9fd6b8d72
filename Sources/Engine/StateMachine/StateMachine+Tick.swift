extension StateMachine {
    /// Expires reservations whose deadline has passed, then purges records whose
    /// retention has ended — each with bounded work, oldest first.
    mutating func advanceTime() -> Outcome {
        var report = TickReport()
        while report.expiredReservations < limits.expirationsPerTickMax, let slot = reservations.earliest,
            reservations[slot].deadline <= now
        {
            expireReservation(slot)
            report.expiredReservations += 1
        }
        let keyRetention = limits.idempotencyRetentionSeconds * Limits.nanosecondsPerSecond
        while report.purgedRecords < limits.purgesPerTickMax, let entry = reservations.finished.front,
            entry.timestamp <= now - keyRetention
        {
            beginChange()
            purgeOldestFinishedReservation()
            report.purgedRecords += 1
        }
        let orderRetention = limits.finishedOrderRetentionSeconds * Limits.nanosecondsPerSecond
        while report.purgedRecords < limits.purgesPerTickMax, let entry = orders.finished.front,
            entry.timestamp <= now - orderRetention
        {
            beginChange()
            purgeOldestFinishedOrder()
            report.purgedRecords += 1
        }
        while report.purgedRecords < limits.purgesPerTickMax, let entry = idempotency.queue.front,
            entry.timestamp <= now - keyRetention
        {
            beginChange()
            _ = idempotency.removeOldest()
            report.purgedRecords += 1
        }
        report.purgedRecords += purgeIdleCarts(budget: limits.purgesPerTickMax - report.purgedRecords)
        return .success(answer { .tick(report) })
    }

    /// Removes carts nobody changed for `idleCartRetentionSeconds`, least
    /// recently changed first (by the LSN of their last change), each with its
    /// hold released, out of what is left of the tick's `purgesPerTickMax`.
    /// Returns how many it removed.
    private mutating func purgeIdleCarts(budget: Int) -> Int {
        let cutoff = now - limits.idleCartRetentionSeconds * Limits.nanosecondsPerSecond
        var removed = 0
        while removed < budget, carts.idleHead != noSlot, carts[carts.idleHead].touchedAt <= cutoff {
            let slot = carts.idleHead
            let cart = carts[slot]
            beginChange()
            releaseCartHold(slot)
            carts.remove(slot)
            emit(store: cart.store, .cartRemoved(cartID: cart.id))
            removed += 1
        }
        return removed
    }
}
