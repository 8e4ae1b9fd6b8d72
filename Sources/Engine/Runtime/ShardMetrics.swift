import Dispatch
import Synchronization

/// A shard's counters, written by its writer thread and read by anyone (a
/// metrics scrape) at any time.
///
/// The writer is the only thread that writes the command table, the batch
/// size histogram and the active-reservation count, so it updates them with
/// relaxed loads and stores — no lock, no read-modify-write, on x86 the same
/// instructions as plain memory accesses. Counters bumped elsewhere (queue
/// refusals on caller threads, batch latency on the journal's thread) are rare
/// or per batch and use atomic adds.
public final class ShardMetrics: @unchecked Sendable {
    public let shardIndex: Int
    /// Submissions (commands and inspections) per batch the writer applied.
    public let batchSizes: AtomicHistogram
    /// From the start of a batch that logged something to its durable report, in ns.
    public let batchDurableLatencyNanoseconds = AtomicHistogram(upperBounds: AtomicHistogram.latencyBoundsNanoseconds)

    /// `kinds × outcomeCount` counts, row-major by command kind.
    private let commandCells: UnsafeMutablePointer<Atomic<UInt64>>
    private let commandCellCount: Int
    /// `CommandOutcomeIndex.rowByTagRawValue`, held here so the writer reads it without a global's once-check.
    private let rowByTag: UnsafeMutablePointer<UInt8>
    private let activeReservationCount = Atomic<Int>(0)
    private let busyRefusalCount = Atomic<UInt64>(0)
    private let shuttingDownRefusalCount = Atomic<UInt64>(0)
    private let readWithoutQueueCount = Atomic<UInt64>(0)

    init(shardIndex: Int, commandsPerBatchMax: Int) {
        self.shardIndex = shardIndex
        batchSizes = AtomicHistogram(
            upperBounds: AtomicHistogram.powersOfTwo(upTo: UInt64(max(1, commandsPerBatchMax))))
        commandCellCount = CommandOutcomeIndex.kinds.count * CommandOutcomeIndex.outcomeCount
        commandCells = .allocate(capacity: commandCellCount)
        for index in 0..<commandCellCount { (commandCells + index).initialize(to: Atomic(0)) }
        rowByTag = .allocate(capacity: 256)
        rowByTag.initialize(from: CommandOutcomeIndex.rowByTagRawValue, count: 256)
    }

    deinit {
        commandCells.deinitialize(count: commandCellCount)
        commandCells.deallocate()
        rowByTag.deallocate()
    }

    // MARK: Writer side

    /// The command table's row of `command` (its kind).
    @inline(__always)
    func row(of command: Command) -> Int {
        Int(rowByTag[Int(CommandCodec.tag(of: command).rawValue)])
    }

    /// Counts one command of kind `row` that succeeded. Writer thread only.
    @inline(__always)
    func countSuccess(row: Int) {
        bump(row * CommandOutcomeIndex.outcomeCount)
    }

    /// Counts one command of kind `row` with its outcome. Writer thread only.
    @inline(never)
    func count(row: Int, _ outcome: Outcome) {
        bump(row * CommandOutcomeIndex.outcomeCount + CommandOutcomeIndex.outcomeColumn(outcome))
    }

    /// Counts one command of kind `row` that failed with `error`. Writer thread only.
    @inline(__always)
    func countFailure(row: Int, _ error: EngineError) {
        bump(row * CommandOutcomeIndex.outcomeCount + CommandOutcomeIndex.errorColumn(error))
    }

    @inline(__always)
    private func bump(_ index: Int) {
        let cell = commandCells + index
        cell.pointee.store(cell.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    /// Publishes the state's active reservation count after a batch. Writer thread only.
    @inline(__always)
    func publishActiveReservations(_ count: Int) {
        activeReservationCount.store(count, ordering: .relaxed)
    }

    /// Counts a query answered without the queue (`Shard.read`); on any
    /// thread, under the shard's state lock.
    @inline(__always)
    func countReadWithoutQueue() {
        readWithoutQueueCount.wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a submission the queue refused (caller threads; rare).
    func countRefusal(_ error: EngineError, submissions: Int = 1) {
        switch error {
        case .busy: busyRefusalCount.wrappingAdd(UInt64(submissions), ordering: .relaxed)
        case .shuttingDown: shuttingDownRefusalCount.wrappingAdd(UInt64(submissions), ordering: .relaxed)
        default: break
        }
    }

    // MARK: Reader side

    /// One non-zero cell of the command table.
    public struct CommandCount: Sendable, Equatable {
        /// `CommandOutcomeIndex.operationName`, e.g. `reserve`.
        public var operation: String
        /// `ok` or the error's stable name, e.g. `INSUFFICIENT_STOCK`.
        public var result: String
        public var count: UInt64
    }

    /// Commands applied so far, by kind and outcome; only non-zero cells, in
    /// table order (kinds by tag, then `ok` and errors by code).
    public func commandCounts() -> [CommandCount] {
        var counts: [CommandCount] = []
        for (row, tag) in CommandOutcomeIndex.kinds.enumerated() {
            for column in 0..<CommandOutcomeIndex.outcomeCount {
                let value = commandCells[row * CommandOutcomeIndex.outcomeCount + column].load(ordering: .relaxed)
                guard value > 0 else { continue }
                counts.append(
                    CommandCount(
                        operation: CommandOutcomeIndex.operationName(tag),
                        result: CommandOutcomeIndex.outcomeName(column: column), count: value))
            }
        }
        return counts
    }

    /// Commands of one kind with one outcome column (0: success).
    public func commandCount(kind: CommandCodec.Tag, outcomeColumn: Int) -> UInt64 {
        precondition((0..<CommandOutcomeIndex.outcomeCount).contains(outcomeColumn), "no outcome column")
        let row = Int(CommandOutcomeIndex.rowByTagRawValue[Int(kind.rawValue)])
        return commandCells[row * CommandOutcomeIndex.outcomeCount + outcomeColumn].load(ordering: .relaxed)
    }

    /// Commands of every kind refused with `insufficientStock`.
    public var insufficientStockRefusals: UInt64 {
        var total: UInt64 = 0
        for row in CommandOutcomeIndex.kinds.indices {
            let column = CommandOutcomeIndex.insufficientStockColumn
            total &+= commandCells[row * CommandOutcomeIndex.outcomeCount + column].load(ordering: .relaxed)
        }
        return total
    }

    /// Active holds (client reservations and cart holds) after the last batch.
    public var activeReservations: Int { activeReservationCount.load(ordering: .relaxed) }

    /// Submissions refused at the queue: it was full (`busy`).
    public var busyRefusals: UInt64 { busyRefusalCount.load(ordering: .relaxed) }

    /// Queries answered at once on the caller's thread, without the queue
    /// (also counted among the commands, by kind and outcome).
    public var readsWithoutQueue: UInt64 { readWithoutQueueCount.load(ordering: .relaxed) }

    /// Submissions refused at the queue: the runtime was stopping.
    public var shuttingDownRefusals: UInt64 { shuttingDownRefusalCount.load(ordering: .relaxed) }
}

/// Monotonic nanoseconds for latency measurements (not batch time).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}
