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
        report.purgedRecords += sweepIdleCarts()
        return .success(.tick(report))
    }

    /// Examines `cartsSweptPerTickMax` consecutive cart slots (round the table)
    /// and removes each cart unchanged for `idleCartRetentionSeconds`, its hold
    /// released first. Returns how many it removed.
    ///
    /// Where the window starts is a hash of the batch time, not a stored cursor:
    /// a tick that removes nothing is not logged, so anything it moved would be
    /// lost on replay. With the start a pure function of the state and the time,
    /// replay examines exactly what the first run did, and successive ticks
    /// cover the table at random (every slot once per about
    /// slots ÷ `cartsSweptPerTickMax` ticks on average).
    private mutating func sweepIdleCarts() -> Int {
        let slotCount = carts.slots.records.count
        guard slotCount > 0, limits.cartsSweptPerTickMax > 0 else { return 0 }
        let cutoff = now - limits.idleCartRetentionSeconds * Limits.nanosecondsPerSecond
        var generator = SplitMix64(seed: UInt64(bitPattern: now))
        var cursor = Int(generator.next() % UInt64(slotCount))
        var removed = 0
        for _ in 0..<min(limits.cartsSweptPerTickMax, slotCount) {
            let slot = Int32(cursor)
            let cart = carts[slot]
            if cart.store != noSlot && cart.touchedAt <= cutoff {
                beginChange()
                releaseCartHold(slot)
                carts.remove(slot)
                emit(store: cart.store, .cartRemoved(cartID: cart.id))
                removed += 1
            }
            cursor = cursor + 1 == slotCount ? 0 : cursor + 1
        }
        return removed
    }
}
