import Engine
import NIOCore
import Wire

/// What every connection of one server shares: the engine, the configuration
/// and the counters.
final class ServerContext: Sendable {
    let runtime: ShardRuntime
    let configuration: WireServerConfiguration
    let counters = ServerCounters()
    let startedAt = NIODeadline.now()

    init(runtime: ShardRuntime, configuration: WireServerConfiguration) {
        self.runtime = runtime
        self.configuration = configuration
    }

    var limits: WireLimits { configuration.limits }

    /// Server counters and each shard's queue depth, newest event and halt reason.
    func stats() -> ServerStats {
        let uptime = UInt64(max(0, (NIODeadline.now() - startedAt).nanoseconds / 1_000_000))
        var stats = counters.snapshot(uptimeMilliseconds: uptime)
        for shard in 0..<runtime.shardCount {
            stats.shards.append(
                ServerStats.Shard(
                    queueDepth: runtime.queueDepth(shard: shard) ?? 0,
                    newestEventLSN: runtime.events(shard: shard, after: .max, limit: 0)?.newestLSN ?? 0,
                    writesHaltedReason: runtime.writesHaltedReason(shard: shard)))
        }
        return stats
    }
}
