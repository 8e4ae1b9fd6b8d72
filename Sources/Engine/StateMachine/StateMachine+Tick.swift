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
        return .success(.tick(report))
    }
}
