import Engine
import Foundation
import Persistence

/// The node's metric families (docs/operations.md, "Metrics and logs"),
/// registered on a `MetricsRegistry` and read from the shards, journals and
/// snapshot counters when the registry renders. Registering costs nothing on
/// the hot path: every value is already counted where it happens.
public final class NodeMetrics: Sendable {
    public let registry: MetricsRegistry
    let runtime: ShardRuntime
    let node: DurableNode?
    let wallClockNanoseconds: @Sendable () -> Int64

    /// Registers the shard families, and the journal and snapshot families when
    /// `node` keeps a log (durability strict or relaxed).
    /// - Parameters:
    ///   - runtime: the shards (a `DurableNode`'s own `runtime` when it has one).
    ///   - registry: where to register; REST request metrics may share it.
    ///   - wallClockNanoseconds: now, for the snapshot age (tests pass a fixed clock).
    /// - Throws: `MetricsError.duplicateName` if the registry has one of these names already.
    public init(
        runtime: ShardRuntime, node: DurableNode? = nil, registry: MetricsRegistry = MetricsRegistry(),
        wallClockNanoseconds: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1e9) }
    ) throws(MetricsError) {
        self.runtime = runtime
        self.node = node
        self.registry = registry
        self.wallClockNanoseconds = wallClockNanoseconds
        try registerShardFamilies()
        if let node, node.journalMetrics(shard: 0) != nil {
            try registerJournalFamilies(node)
            try registerSnapshotFamilies(node)
        }
    }

    /// The node's durable shards and their runtime.
    public convenience init(node: DurableNode, registry: MetricsRegistry = MetricsRegistry()) throws(MetricsError) {
        try self.init(runtime: node.runtime, node: node, registry: registry)
    }

    /// Everything in the registry, in the Prometheus text format (`GET /metrics`).
    public func render() -> String { registry.render() }

    var shards: Range<Int> { 0..<runtime.shardCount }

    /// One sample per shard, labelled `shard`, from `value` (nil: no sample).
    func perShard<Value>(_ value: @escaping @Sendable (Int) -> Value?) -> @Sendable () -> [LabelledSample<Value>] {
        let shards = shards
        return {
            shards.compactMap { shard in value(shard).map { LabelledSample(labels: [String(shard)], value: $0) } }
        }
    }
}
