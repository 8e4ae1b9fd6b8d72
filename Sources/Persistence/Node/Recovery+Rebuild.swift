import Engine

/// Rebuilding the state of a shard that a node is running, from its files.
extension Recovery {
    /// How often (in records) a rebuild asks whether it should stop.
    static let cancellationCheckRecords: UInt64 = 4_096

    /// The state of a running shard at `lsn`, rebuilt from its files alone: the
    /// newest snapshot at or below `lsn` that loads, then the log up to `lsn`.
    /// Reads only, and never touches the shard's writer: this is how a running
    /// node takes a snapshot (a copy of the writer's state would make the
    /// writer duplicate every table it then changes, all at once).
    ///
    /// The log must be durable through `lsn`. The scan stops at the first
    /// record after it; what follows (a frame the writer is still writing, or
    /// one that a concurrent read saw half written) is not looked at.
    /// - Parameter isCancelled: asked every `cancellationCheckRecords`
    ///   records; true ends the rebuild with an error (the node is stopping).
    /// - Throws: `PersistenceError` if the files do not reach `lsn` (a damaged
    ///   or missing snapshot or segment), if replay diverges, or if cancelled.
    static func rebuildRunningShard(
        directory: String, shardIndex: Int, shardCount: Int, limits: Limits, throughLSN lsn: UInt64,
        logExtentRequired: Bool, isCancelled: () -> Bool = { false }
    ) throws(PersistenceError) -> StateMachine {
        var report = ShardRecoveryReport(shardIndex: shardIndex)
        let options = Options(repair: false, upToLSN: lsn, logExtentRequired: logExtentRequired)
        var machine = newestSnapshot(
            directory: directory, shardIndex: shardIndex, shardCount: shardCount, limits: limits, options: options,
            report: &report, progress: nil)
        precondition(machine.lastLSN <= lsn, "a snapshot past the bound was loaded")
        guard machine.lastLSN < lsn else { return machine }

        var scanner = LogScanner(
            directory: directory, shardIndex: shardIndex, shardCount: shardCount,
            limitsDigest: LimitsFingerprint.digest(of: limits))
        scanner.extentRequired = logExtentRequired
        var scanError: PersistenceError?
        do {
            _ = try scanner.scan(decodeAfter: machine.lastLSN) { record in
                // Thrown to end the scan: the bound is reached.
                guard record.lsn <= lsn else { throw PersistenceError.invalidRequest(reason: "past LSN \(lsn)") }
                if record.lsn % cancellationCheckRecords == 0, isCancelled() {
                    throw PersistenceError.invalidRequest(reason: "rebuild cancelled at LSN \(machine.lastLSN)")
                }
                if let failure = apply(record, to: &machine, shardIndex: shardIndex, directory: directory) { throw failure }
            }
        } catch {
            scanError = error
        }
        guard machine.lastLSN == lsn else {
            throw scanError
                ?? .missingLog(reason: "shard \(shardIndex): the log ends at LSN \(machine.lastLSN), before LSN \(lsn)")
        }
        return machine
    }
}
