import Engine
import Persistence

/// The journal's and the snapshots' families.
extension NodeMetrics {
    func registerJournalFamilies(_ node: DurableNode) throws(MetricsError) {
        try registry.sampledHistogram(
            name: "holdfast_journal_sync_seconds",
            help:
                "Time to make log data durable: one frame's linked write + fdatasync (strict), one fdatasync (relaxed).",
            labelNames: ["shard"], unitsPerBase: 1e9,
            sample: perShard { node.journalMetrics(shard: $0)?.syncLatencyNanoseconds.snapshot() })
        if node.options.durability == .relaxed {
            try registry.sampledHistogram(
                name: "holdfast_journal_unsynced_write_seconds",
                help: "Relaxed durability only: one frame's write without fdatasync.",
                labelNames: ["shard"], unitsPerBase: 1e9,
                sample: perShard { node.journalMetrics(shard: $0)?.unsyncedWriteLatencyNanoseconds.snapshot() })
        }
        let counters: [(name: String, help: String, value: @Sendable (JournalMetrics) -> UInt64)] = [
            ("holdfast_journal_bytes_total", "Bytes written to log segments, padding included.", { $0.bytesWritten }),
            (
                "holdfast_journal_record_bytes_total", "Bytes of log records (headers and payloads) written.",
                { $0.recordBytes }
            ),
            (
                "holdfast_journal_frames_total", "Log frames written (one write, plus fdatasync in strict mode).",
                { $0.frames }
            ),
            (
                "holdfast_journal_batches_total", "Shard batches the journal made durable (relaxed: wrote).",
                { $0.batches }
            ),
            ("holdfast_journal_records_total", "Log records (logged commands) written.", { $0.records }),
            (
                "holdfast_journal_failures_total", "Failed log writes and syncs (writes halt until a retry succeeds).",
                { $0.failures }
            ),
        ]
        for counter in counters {
            let value = counter.value
            try registry.sampledCounter(
                name: counter.name, help: counter.help, labelNames: ["shard"],
                sample: perShard { node.journalMetrics(shard: $0).map(value) })
        }
    }

    func registerSnapshotFamilies(_ node: DurableNode) throws(MetricsError) {
        let clock = wallClockNanoseconds
        try registry.gauge(
            name: "holdfast_snapshot_age_seconds",
            help: "Seconds since the shard's newest durable snapshot (since the node opened if it has none).",
            labelNames: ["shard"],
            sample: perShard { shard in
                guard let metrics = node.snapshotMetrics(shard: shard) else { return nil }
                let since = metrics.lastSnapshotNanoseconds ?? node.openedAtNanoseconds
                return max(0, Double(clock() - since) / 1e9)
            })
        try registry.sampledCounter(
            name: "holdfast_snapshots_total", help: "Snapshots this process wrote.",
            labelNames: ["shard"], sample: perShard { node.snapshotMetrics(shard: $0)?.snapshots })
        try registry.sampledCounter(
            name: "holdfast_snapshot_failures_total", help: "Snapshots this process attempted that failed.",
            labelNames: ["shard"], sample: perShard { node.snapshotMetrics(shard: $0)?.failures })
        try registry.sampledHistogram(
            name: "holdfast_snapshot_duration_seconds",
            help: "From a snapshot's request to its file published and retention applied.",
            labelNames: ["shard"], unitsPerBase: 1e9,
            sample: perShard { node.snapshotMetrics(shard: $0)?.durationNanoseconds.snapshot() })
    }
}
