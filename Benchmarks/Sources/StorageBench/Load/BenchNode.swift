import Engine
import Persistence

/// A one-shard `DurableNode` in a new directory, with snapshots only on demand.
enum BenchNode {
    static func open(
        at path: String, durability: Durability, backend: IOBackend = .automatic, limits: Limits,
        segmentBytes: Int = JournalOptions().segmentBytes
    ) throws(BenchFailure) -> DurableNode {
        var options = DurableNode.Options()
        options.durability = durability
        options.journal.ioBackend = backend
        options.journal.segmentBytes = segmentBytes
        options.snapshotEveryLogBytes = .max
        options.snapshotIntervalSeconds = 0
        options.snapshotsRetained = 1
        do {
            return try DurableNode(path: path, shardCount: 1, limits: limits, options: options)
        } catch {
            throw BenchFailure("cannot open a node at \(path): \(error)")
        }
    }

    /// The journal of the node's only shard.
    static func journal(_ node: DurableNode) -> SegmentJournal {
        node.shardJournals[0]
    }
}
