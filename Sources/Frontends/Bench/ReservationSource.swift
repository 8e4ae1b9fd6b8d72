import Engine
import Wire

/// The reservation workloads (`hot`, `uniform`, `zipf`, `cart3`): every
/// operation a new `reserve` of one unit of each of `linesPerReservation`
/// distinct SKUs, with an id of its own.
final class ReservationSource: BenchFrameSource, @unchecked Sendable {
    private let encoder: ReservationEncoder
    private let sampler: SKUSampler
    private let ledger: StockLedger
    private let linesPerReservation: Int
    private let idPrefix: [UInt8]
    private var random: SplitMix64
    private var nextSequence: UInt64 = 0
    /// Per slot: the first sequence number of its frame and its SKUs (`lines` per operation).
    private var slotFirstSequence: [UInt64]
    private var slotOperations: [Int]
    private var slotSKUs: [[Int32]]
    private var drawn: [Int32] = []
    /// Sequence numbers of reservations placed, or perhaps placed: released after the run.
    private var granted: [UInt64] = []
    private(set) var tally = OutcomeTally()
    var measuredGrants: Int { tally.ok }

    static let operation = WireOperation(command: .reserve)

    init(
        encoder: ReservationEncoder, sampler: SKUSampler, ledger: StockLedger, linesPerReservation: Int,
        idPrefix: String, seed: UInt64, slots: Int, batchSize: Int
    ) {
        self.encoder = encoder
        self.sampler = sampler
        self.ledger = ledger
        self.linesPerReservation = linesPerReservation
        self.idPrefix = Array(idPrefix.utf8)
        random = SplitMix64(seed: seed)
        slotFirstSequence = [UInt64](repeating: 0, count: slots)
        slotOperations = [Int](repeating: 0, count: slots)
        slotSKUs = (0..<slots).map { _ in
            var skus: [Int32] = []
            skus.reserveCapacity(batchSize * linesPerReservation)
            return skus
        }
    }

    func prepareFrame(slot: Int, batchSize: Int) -> WireOperation? {
        slotFirstSequence[slot] = nextSequence
        slotOperations[slot] = batchSize
        nextSequence += UInt64(batchSize)
        slotSKUs[slot].removeAll(keepingCapacity: true)
        for _ in 0..<batchSize {
            if linesPerReservation == 1 {
                slotSKUs[slot].append(Int32(sampler.next(&random)))
            } else {
                sampler.nextDistinct(linesPerReservation, &random, into: &drawn)
                slotSKUs[slot].append(contentsOf: drawn)
            }
        }
        for sku in slotSKUs[slot] { ledger.markTouched(sku) }
        return Self.operation
    }

    func writeItems(slot: Int, into writer: inout FrameWriter) {
        let first = slotFirstSequence[slot]
        let lines = linesPerReservation
        slotSKUs[slot].withUnsafeBufferPointer { skus in
            for operation in 0..<slotOperations[slot] {
                writer.beginItem()
                encoder.writeReserve(
                    idPrefix: idPrefix, sequence: first + UInt64(operation),
                    skus: UnsafeBufferPointer(rebasing: skus[operation * lines..<(operation + 1) * lines]), into: &writer.writer)
                writer.endItem()
            }
        }
    }

    func operationCount(slot: Int) -> Int { slotOperations[slot] }

    func handleReply(_ reply: ReplyItems, slot: Int, measured: Bool) {
        let operations = slotOperations[slot]
        guard reply.count == operations else {
            handleLostFrame(slot: slot, failureName: TransportFailure.itemCountMismatch, measured: measured)
            return
        }
        let lines = linesPerReservation
        for operation in 0..<operations {
            let skus = slotSKUs[slot][operation * lines..<(operation + 1) * lines]
            switch reply.item(operation) {
            case .ok:
                for sku in skus { ledger.granted(sku) }
                granted.append(slotFirstSequence[slot] + UInt64(operation))
                if measured { tally.ok += 1 }
            case .refused(let code):
                if code == ReplyItems.journalFailureCode {
                    for sku in skus { ledger.maybeGranted(sku) }
                    granted.append(slotFirstSequence[slot] + UInt64(operation))
                }
                if measured { reply.countRefusal(code: code, index: operation, into: &tally) }
            case .unreadable:
                for sku in skus { ledger.maybeGranted(sku) }
                if measured { tally.addError(named: TransportFailure.unreadableReply) }
            }
        }
    }

    func handleRefusedFrame(slot: Int, errorName: String, measured: Bool) {
        if measured { tally.addError(named: errorName, count: slotOperations[slot]) }
    }

    func handleLostFrame(slot: Int, failureName: String, measured: Bool) {
        for sku in slotSKUs[slot] { ledger.maybeGranted(sku) }
        for operation in 0..<slotOperations[slot] { granted.append(slotFirstSequence[slot] + UInt64(operation)) }
        if measured { tally.addError(named: failureName, count: slotOperations[slot]) }
    }

    func activeReservations() -> ReservationList { ReservationList(idPrefix: idPrefix, sequences: granted) }
}
