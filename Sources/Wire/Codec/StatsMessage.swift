import Engine

/// The `stats` reply: counters of the server and of each shard.
/// Item (after status 0): `u64 uptimeMilliseconds`, `u32 connectionsOpen`,
/// `u64 connectionsAccepted`, `u64 framesReceived`, `u64 operationsReceived`,
/// `u64 busyRefusals`, `u64 protocolErrors`, `u16 shardCount`, then per shard:
/// `u32 queueDepth`, `u64 newestEventLSN`, `optional string writesHaltedReason`.
/// The `stats` request has one empty item.
public struct ServerStats: Sendable, Equatable {
    public struct Shard: Sendable, Equatable {
        public var queueDepth: Int
        /// LSN of the newest durable event (0 when none).
        public var newestEventLSN: UInt64
        /// Why the shard does not accept writes (a journal failure); nil when it does.
        public var writesHaltedReason: String?

        public init(queueDepth: Int, newestEventLSN: UInt64, writesHaltedReason: String?) {
            self.queueDepth = queueDepth
            self.newestEventLSN = newestEventLSN
            self.writesHaltedReason = writesHaltedReason
        }
    }

    public var uptimeMilliseconds: UInt64 = 0
    public var connectionsOpen: Int = 0
    public var connectionsAccepted: UInt64 = 0
    public var framesReceived: UInt64 = 0
    public var operationsReceived: UInt64 = 0
    public var busyRefusals: UInt64 = 0
    public var protocolErrors: UInt64 = 0
    public var shards: [Shard] = []

    public init() {}

    public func encode(into writer: inout BinaryWriter) {
        writer.write(uptimeMilliseconds)
        writer.write(UInt32(clamping: connectionsOpen))
        writer.write(connectionsAccepted)
        writer.write(framesReceived)
        writer.write(operationsReceived)
        writer.write(busyRefusals)
        writer.write(protocolErrors)
        writer.write(UInt16(shards.count))
        for shard in shards {
            writer.write(UInt32(clamping: shard.queueDepth))
            writer.write(shard.newestEventLSN)
            writer.write(shard.writesHaltedReason)
        }
    }

    public static func decode(from reader: inout BinaryReader) throws -> ServerStats {
        var stats = ServerStats()
        stats.uptimeMilliseconds = try reader.readUInt64()
        stats.connectionsOpen = Int(try reader.readUInt32())
        stats.connectionsAccepted = try reader.readUInt64()
        stats.framesReceived = try reader.readUInt64()
        stats.operationsReceived = try reader.readUInt64()
        stats.busyRefusals = try reader.readUInt64()
        stats.protocolErrors = try reader.readUInt64()
        let count = Int(try reader.readUInt16())
        for _ in 0..<count {
            let depth = Int(try reader.readUInt32())
            let lsn = try reader.readUInt64()
            let reason = try reader.readOptionalString(maxBytes: ErrorCodec.textMaxBytes)
            stats.shards.append(Shard(queueDepth: depth, newestEventLSN: lsn, writesHaltedReason: reason))
        }
        return stats
    }
}
