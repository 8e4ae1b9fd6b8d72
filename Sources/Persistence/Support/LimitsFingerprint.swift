import Engine

/// The limits that change what a command does (capacities, retention windows,
/// per-tick budgets), in a fixed byte order. Replaying a log under other values
/// could give another state, so the manifest, every segment and every snapshot
/// record their digest and recovery refuses a mismatch. Runtime limits (queue
/// sizes, batch sizes, tick interval) do not affect replay and are left out.
/// `idleCartRetentionSeconds`, added later, is pinned by the manifest alone
/// (its value is read back from there), so directories made before it keep
/// their digest.
enum LimitsFingerprint {
    static func encoding(of limits: Limits) -> [UInt8] {
        let values: [Int64] = [
            Int64(limits.storesPerShardMax), Int64(limits.skusPerShardMax), Int64(limits.stockRecordsPerShardMax),
            Int64(limits.reservationsPerShardMax), Int64(limits.cartsPerShardMax), Int64(limits.ordersPerShardMax),
            Int64(limits.idempotencyKeysPerShardMax), Int64(limits.lineNodesPerShardMax),
            limits.idempotencyRetentionSeconds, limits.finishedOrderRetentionSeconds,
            Int64(limits.expirationsPerTickMax), Int64(limits.purgesPerTickMax),
        ]
        var bytes = [UInt8](repeating: 0, count: values.count * 8)
        for (index, value) in values.enumerated() { bytes.put(value, at: index * 8) }
        return bytes
    }

    static func digest(of limits: Limits) -> Digest256 {
        encoding(of: limits).withUnsafeBytes { SHA256Hasher.digest($0) }
    }
}
