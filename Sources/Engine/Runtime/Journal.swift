/// One logged command: what to replay, when, and under which LSN.
public struct LogRecord: Sendable, Equatable {
    public var lsn: UInt64
    /// The batch timestamp the command was applied at (ns since the Unix epoch).
    public var timestamp: Int64
    public var command: Command
    /// Who the command acted for; replay applies it for the same caller.
    public var caller: Caller
    /// The command's payload bytes as they were received (a wire frame's item:
    /// its canonical encoding after the tag, which `CommandCodec` decodes to
    /// `command` and re-encodes byte for byte), so the journal copies them
    /// instead of encoding `command` again; nil when the command was built in
    /// memory (REST, the runtime's own ticks, tests).
    public var receivedPayload: ArraySlice<UInt8>?

    public init(
        lsn: UInt64, timestamp: Int64, command: Command, caller: Caller = .service,
        receivedPayload: ArraySlice<UInt8>? = nil
    ) {
        self.lsn = lsn
        self.timestamp = timestamp
        self.command = command
        self.caller = caller
        self.receivedPayload = receivedPayload
    }

    /// Records are equal when they log the same thing; where the payload's
    /// bytes came from does not matter (they are the same bytes).
    public static func == (left: LogRecord, right: LogRecord) -> Bool {
        left.lsn == right.lsn && left.timestamp == right.timestamp && left.command == right.command
            && left.caller == right.caller
    }
}

/// Why a journal could not make a batch durable.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// The port through which a shard makes its log durable.
///
/// The shard's writer thread calls `append` once per batch that changed state,
/// in LSN order, and goes on applying the next batch while this one is written.
/// The journal calls `onDurable` exactly once per batch, in the order batches
/// were appended, when the batch and every earlier one are durable — or with
/// the error that stopped it. It may call back on any thread.
///
/// Two kinds of journal differ after a failure:
/// - one that gives up (`resumesAfterFailure == false`, the default): the
///   shard treats the first failure as final, fails every later batch that
///   logged something whatever the journal says of it, and refuses writes
///   until restart;
/// - one that retries (`resumesAfterFailure == true`): it keeps the failed
///   batches and writes them again, in order, until they are durable. While it
///   does, `writesHaltedReason` is non-nil and the shard refuses new writes;
///   when it is nil again, writes resume — and it may be nil again only once
///   every failed batch is durable. Such a journal reports a batch durable
///   only when every earlier batch is durable, the failed ones included — a
///   batch it failed may still become durable later (its outcome was unknown).
///
/// Either way, until a failed batch is durable its changes are in memory but
/// maybe not on disk: the shard refuses reads that would show them
/// (`UndurableChanges`).
///
/// A journal may do its I/O on the writer thread itself (`SegmentJournal`),
/// so a request crosses no thread of ours between the shard and the disk.
/// Either `append` writes and syncs before it returns, or it only submits the
/// write (`hasWritesInFlight` is then true) and the writer collects finished
/// writes with `collectCompletions` — between batches without waiting, and
/// waiting when it has nothing else to do or may not go further ahead — and
/// `onDurable` runs inside that call. Such a journal does its timed work —
/// periodic syncs, retries after a failure — when the writer calls
/// `serviceTimers`, between batches and whenever the writer wakes, and says
/// when it wants to be called next.
public protocol Journal: AnyObject, Sendable {
    func append(_ records: [LogRecord], onDurable: @escaping @Sendable (Result<Void, JournalError>) -> Void)

    /// Whether writes submitted by `append` wait for the writer thread to
    /// collect them (`collectCompletions`). Read by the writer thread only.
    var hasWritesInFlight: Bool { get }

    /// Answers the batches whose writes have finished, in order; with
    /// `waiting`, first waits until at least one batch is answered, if any
    /// write is in flight. Called by the writer thread only.
    func collectCompletions(waiting: Bool)

    /// Called by the writer thread between batches and when it wakes: does
    /// whatever timed work is due and returns the monotonic time (ns, as
    /// `DispatchTime.now().uptimeNanoseconds`) by which it wants to be called again, or nil.
    func serviceTimers(nowNanoseconds: UInt64) -> UInt64?

    /// Whether failed batches are retried until durable (see above).
    var resumesAfterFailure: Bool { get }

    /// Why the journal currently refuses new batches; nil when it accepts them.
    /// Consulted only if `resumesAfterFailure`.
    var writesHaltedReason: String? { get }
}

extension Journal {
    public var hasWritesInFlight: Bool { false }
    public func collectCompletions(waiting: Bool) {}
    public func serviceTimers(nowNanoseconds: UInt64) -> UInt64? { nil }
    public var resumesAfterFailure: Bool { false }
    public var writesHaltedReason: String? { nil }
}

/// A journal that keeps records in memory and reports every batch durable at
/// once (durability mode `none`; tests). With `retainingRecords` it keeps them
/// for inspection and replay; otherwise only counts them.
public final class InMemoryJournal: Journal, @unchecked Sendable {
    private let lock = Lock()
    private let retainingRecords: Bool
    private var retained: [LogRecord] = []
    private var appendedRecordCount = 0
    private var appendedBatchCount = 0

    public init(retainingRecords: Bool = false) {
        self.retainingRecords = retainingRecords
    }

    public func append(_ records: [LogRecord], onDurable: @escaping @Sendable (Result<Void, JournalError>) -> Void) {
        lock.withLock {
            appendedRecordCount += records.count
            appendedBatchCount += 1
            if retainingRecords { retained.append(contentsOf: records) }
        }
        onDurable(.success(()))
    }

    /// Every record appended so far, in LSN order (empty unless retaining).
    public var records: [LogRecord] { lock.withLock { retained } }

    public var recordCount: Int { lock.withLock { appendedRecordCount } }

    public var batchCount: Int { lock.withLock { appendedBatchCount } }
}
