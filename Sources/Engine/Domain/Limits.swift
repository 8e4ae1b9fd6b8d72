/// Every limit of the engine, in one place.
///
/// Size limits on input (identifier lengths, line counts, quantities, TTLs) are
/// fixed by the protocol and are static. Capacity limits (how many records a
/// shard may hold, how much work one tick may do) are per-instance so tests can
/// shrink them; `Limits.standard` holds the production values.
public struct Limits: Sendable, Equatable {
    // MARK: Identifiers (UTF-8 bytes)

    public static let storeIDMaxBytes = 64
    public static let skuMaxBytes = 64
    public static let locationMaxBytes = 32
    public static let reservationIDMaxBytes = 64
    public static let cartIDMaxBytes = 64
    public static let orderIDMaxBytes = 64
    public static let customerIDMaxBytes = 64
    public static let ownerMaxBytes = 64
    public static let requestKeyMaxBytes = 64
    public static let reasonMaxBytes = 128
    public static let defaultLocation = "default"

    // MARK: Lines and amounts

    public static let reservationLinesMax = 256
    public static let orderLinesMax = 256
    public static let cartLinesMax = 256
    public static let pricesPerOrderMax = 256
    public static let availabilityCheckLinesMax = 256
    /// Largest quantity on any line, any stock field, and any cart line.
    public static let quantityMax: Int64 = 1_000_000_000
    /// Largest unit price, tax, shipping or discount in minor units (10^12).
    public static let amountMinorMax: Int64 = 1_000_000_000_000
    /// Largest order subtotal in minor units (10^18), so totals never overflow.
    public static let orderSubtotalMinorMax: Int64 = 1_000_000_000_000_000_000
    public static let locationsPerStoreMax = 64

    // MARK: Time

    public static let reservationTTLMinSeconds: Int64 = 1
    public static let reservationTTLMaxSeconds: Int64 = 7 * 86_400
    public static let reservationTTLDefaultSeconds: Int64 = 15 * 60
    public static let cartHoldTTLDefaultSeconds: Int64 = 15 * 60
    public static let nanosecondsPerSecond: Int64 = 1_000_000_000

    // MARK: Pagination

    public static let orderPageSizeMax = 100
    public static let orderPageSizeDefault = 20

    // MARK: Capacity per shard (configurable)

    public var storesPerShardMax: Int
    public var skusPerShardMax: Int
    public var stockRecordsPerShardMax: Int
    /// Active reservations plus finished ones kept for idempotent retries.
    public var reservationsPerShardMax: Int
    public var cartsPerShardMax: Int
    public var ordersPerShardMax: Int
    public var idempotencyKeysPerShardMax: Int
    /// Lines of reservations, holds and orders held at once (24 bytes each);
    /// also keeps line indices far below `Int32.max`.
    public var lineNodesPerShardMax: Int

    // MARK: Retention (configurable)

    /// How long idempotency keys, finished reservations and checked-out cart
    /// keys are kept for retries.
    public var idempotencyRetentionSeconds: Int64
    /// How long fulfilled and cancelled orders stay readable before purge.
    public var finishedOrderRetentionSeconds: Int64
    /// How long a cart nobody changed is kept; then the tick removes it and
    /// releases its hold (an abandoned cart).
    public var idleCartRetentionSeconds: Int64

    // MARK: Work per tick (configurable)

    /// Reservations expired by one `advanceTime` tick at most.
    public var expirationsPerTickMax: Int
    /// Retained records (keys, finished reservations, orders) purged per tick at most.
    public var purgesPerTickMax: Int

    // MARK: Shard runtime (configurable)

    /// Submissions waiting in one shard's queue at most; beyond it callers get `busy`.
    public var shardQueueCapacity: Int
    /// Commands applied in one batch at most (one log write and fsync per batch).
    public var commandsPerBatchMax: Int
    /// Durable events kept in memory per shard for followers of the event stream.
    public var retainedEventsPerShardMax: Int
    /// Batches handed to the journal and not yet durable, per shard. At the
    /// limit the writer waits, the queue fills, and callers get `busy`: the
    /// bound on work applied but not yet acknowledged.
    public var journalBatchesInFlightMax: Int
    /// How long an idle shard waits before ticking anyway, so reservations
    /// expire on time without traffic.
    public var idleTickIntervalMilliseconds: Int

    public init(
        storesPerShardMax: Int = 16_384,
        skusPerShardMax: Int = 8_000_000,
        stockRecordsPerShardMax: Int = 16_000_000,
        reservationsPerShardMax: Int = 4_000_000,
        cartsPerShardMax: Int = 2_000_000,
        ordersPerShardMax: Int = 8_000_000,
        idempotencyKeysPerShardMax: Int = 2_000_000,
        lineNodesPerShardMax: Int = 32_000_000,
        idempotencyRetentionSeconds: Int64 = 86_400,
        finishedOrderRetentionSeconds: Int64 = 30 * 86_400,
        expirationsPerTickMax: Int = 4_096,
        purgesPerTickMax: Int = 4_096,
        idleCartRetentionSeconds: Int64 = 7 * 86_400,
        shardQueueCapacity: Int = 65_536,
        commandsPerBatchMax: Int = 8_192,
        retainedEventsPerShardMax: Int = 262_144,
        journalBatchesInFlightMax: Int = 2,
        idleTickIntervalMilliseconds: Int = 100
    ) {
        self.journalBatchesInFlightMax = journalBatchesInFlightMax
        self.idleTickIntervalMilliseconds = idleTickIntervalMilliseconds
        self.shardQueueCapacity = shardQueueCapacity
        self.commandsPerBatchMax = commandsPerBatchMax
        self.retainedEventsPerShardMax = retainedEventsPerShardMax
        self.storesPerShardMax = storesPerShardMax
        self.skusPerShardMax = skusPerShardMax
        self.stockRecordsPerShardMax = stockRecordsPerShardMax
        self.reservationsPerShardMax = reservationsPerShardMax
        self.cartsPerShardMax = cartsPerShardMax
        self.ordersPerShardMax = ordersPerShardMax
        self.idempotencyKeysPerShardMax = idempotencyKeysPerShardMax
        self.lineNodesPerShardMax = lineNodesPerShardMax
        self.idempotencyRetentionSeconds = idempotencyRetentionSeconds
        self.finishedOrderRetentionSeconds = finishedOrderRetentionSeconds
        self.expirationsPerTickMax = expirationsPerTickMax
        self.purgesPerTickMax = purgesPerTickMax
        self.idleCartRetentionSeconds = idleCartRetentionSeconds
    }

    public static let standard = Limits()
}

/// The capacity limits that can be reached, named in `EngineError.limitReached`.
public enum CapacityLimit: UInt8, Sendable, Equatable, CustomStringConvertible {
    case stores = 1
    case skus = 2
    case stockRecords = 3
    case reservations = 4
    case carts = 5
    case orders = 6
    case idempotencyKeys = 7
    case locationsPerStore = 8
    case cartLines = 9
    case shardQueue = 10
    case lineNodes = 11

    public var description: String {
        switch self {
        case .stores: "stores per shard"
        case .skus: "SKUs per shard"
        case .stockRecords: "stock records per shard"
        case .reservations: "reservations per shard"
        case .carts: "carts per shard"
        case .orders: "orders per shard"
        case .idempotencyKeys: "idempotency keys per shard"
        case .locationsPerStore: "locations per store"
        case .cartLines: "lines per cart"
        case .shardQueue: "shard queue"
        case .lineNodes: "reservation and order lines per shard"
        }
    }
}
