import Engine

/// The shard runtime's families: queues, batches, commands, reservations.
extension NodeMetrics {
    func registerShardFamilies() throws(MetricsError) {
        let runtime = runtime
        try registry.gauge(
            name: "holdfast_shard_queue_depth", help: "Submissions waiting in the shard's inbound queue.",
            labelNames: ["shard"], sample: perShard { runtime.queueDepth(shard: $0).map(Double.init) })
        try registry.gauge(
            name: "holdfast_shard_writes_halted",
            help: "1 while the shard refuses writes after a journal failure (reads go on), else 0.",
            labelNames: ["shard"], sample: perShard { runtime.writesHaltedReason(shard: $0) == nil ? 0 : 1 })
        try registry.gauge(
            name: "holdfast_active_reservations",
            help: "Active holds (client reservations and cart holds) after the shard's last batch.",
            labelNames: ["shard"], sample: perShard { runtime.metrics(shard: $0).map { Double($0.activeReservations) } }
        )
        try registry.sampledHistogram(
            name: "holdfast_shard_batch_size", help: "Submissions per batch the shard's writer applied.",
            labelNames: ["shard"], unitsPerBase: 1,
            sample: perShard { runtime.metrics(shard: $0)?.batchSizes.snapshot() })
        try registry.sampledHistogram(
            name: "holdfast_shard_batch_durable_seconds",
            help: "From the start of a batch that logged something until the journal reported it durable.",
            labelNames: ["shard"], unitsPerBase: 1e9,
            sample: perShard { runtime.metrics(shard: $0)?.batchDurableLatencyNanoseconds.snapshot() })
        try registerCommandFamilies()
    }

    private func registerCommandFamilies() throws(MetricsError) {
        let runtime = runtime
        let shards = shards
        try registry.sampledCounter(
            name: "holdfast_commands_total",
            help: "Commands applied by the shards, by operation and result (ok or the error's stable name).",
            labelNames: ["shard", "operation", "result"]
        ) {
            shards.flatMap { shard in
                (runtime.metrics(shard: shard)?.commandCounts() ?? []).map {
                    LabelledSample(labels: [String(shard), $0.operation, $0.result], value: $0.count)
                }
            }
        }
        try registry.sampledCounter(
            name: "holdfast_stock_refusals_total",
            help: "Commands refused for lack of stock (INSUFFICIENT_STOCK), every operation.",
            labelNames: ["shard"], sample: perShard { runtime.metrics(shard: $0)?.insufficientStockRefusals })
        try registry.sampledCounter(
            name: "holdfast_shard_reads_without_queue_total",
            help: "Queries answered at once on the network thread, not through the shard's queue (also in holdfast_commands_total).",
            labelNames: ["shard"], sample: perShard { runtime.metrics(shard: $0)?.readsWithoutQueue })
        try registry.sampledCounter(
            name: "holdfast_shard_queue_refusals_total",
            help: "Submissions refused at the shard's queue: busy (full) or shutting_down.",
            labelNames: ["shard", "reason"]
        ) {
            shards.flatMap { shard -> [LabelledSample<UInt64>] in
                guard let metrics = runtime.metrics(shard: shard) else { return [] }
                return [
                    LabelledSample(labels: [String(shard), "busy"], value: metrics.busyRefusals),
                    LabelledSample(labels: [String(shard), "shutting_down"], value: metrics.shuttingDownRefusals),
                ]
            }
        }
    }
}
