import Engine
import Wire

/// The reservation workloads (`hot`, `uniform`, `zipf`, `cart3`): every
/// operation a new `reserve` of one unit of each of `linesPerReservation`
/// distinct SKUs, with an id of its own.
///
/// The per-frame loops work on local copies of the state they change (moved
/// out and back), so a class property is not checked and retained per operation.
final class ReservationSource: BenchFrameSource, @unchecked Sendable {
    private let encoder: ReservationEncoder
    private let sampler: SKUSampler
    private let ledger: StockLedger
    private let linesPerReservation: Int
    private var random: SplitMix64
    private var nextSequence: UInt64 = 0
    /// Per slot: the first sequence number of its frame, its operation count and its SKUs (`lines` per operation).
    private var slotFirstSequence: [UInt64]
    private var slotOperations: [Int]
    private var slotSKUs: [[Int32]]
    private var drawn: [Int32] = []
    private var scratch: [UInt8]
    private var grantedSKUs: [Int32] = []
    /// Sequence numbers of reservations placed, or perhaps placed: released after the run.
    private var granted: [UInt64] = []
    private(set) var tally = OutcomeTally()
    var measuredGrants: Int { tally.ok }

    static let operation = WireOperation(command: .reserve)

    init(
        encoder: ReservationEncoder, sampler: SKUSampler, ledger: StockLedger, linesPerReservation: Int, seed: UInt64,
        slots: Int, batchSize: Int
    ) {
        self.encoder = encoder
        self.sampler = sampler
        self.ledger = ledger
        self.linesPerReservation = linesPerReservation
        random = SplitMix64(seed: seed)
        slotFirstSequence = [UInt64](repeating: 0, count: slots)
        slotOperations = [Int](repeating: 0, count: slots)
        slotSKUs = (0..<slots).map { _ in
            var skus: [Int32] = []
            skus.reserveCapacity(batchSize * linesPerReservation)
            return skus
        }
        scratch = [UInt8](repeating: 0, count: encoder.scratchBytes(lines: linesPerReservation))
    }

    func prepareFrame(slot: Int, batchSize: Int) -> WireOperation? {
        slotFirstSequence[slot] = nextSequence
        slotOperations[slot] = batchSize
        nextSequence += UInt64(batchSize)
        var skus: [Int32] = []
        swap(&skus, &slotSKUs[slot])
        skus.removeAll(keepingCapacity: true)
        var random = self.random
        let sampler = self.sampler
        if linesPerReservation == 1 {
            for _ in 0..<batchSize { skus.append(Int32(truncatingIfNeeded: sampler.next(&random))) }
        } else {
            for _ in 0..<batchSize {
                sampler.nextDistinct(linesPerReservation, &random, into: &drawn)
                skus.append(contentsOf: drawn)
            }
        }
        self.random = random
        ledger.markTouched(skus)
        swap(&skus, &slotSKUs[slot])
        return Self.operation
    }

    func writeItems(slot: Int, into writer: inout FrameWriter) {
        encoder.writeItems(
            firstSequence: slotFirstSequence[slot], skus: slotSKUs[slot], lines: linesPerReservation, into: &writer,
            scratch: &scratch)
    }

    func operationCount(slot: Int) -> Int { slotOperations[slot] }

    func handleReply(_ reply: ReplyItems, slot: Int, measured: Bool) {
        let operations = slotOperations[slot]
        guard reply.count == operations else {
            handleLostFrame(slot: slot, failureName: TransportFailure.itemCountMismatch, measured: measured)
            return
        }
        let lines = linesPerReservation
        let skus = slotSKUs[slot]
        let first = slotFirstSequence[slot]
        var tally = OutcomeTally()
        var okSKUs: [Int32] = []
        var granted: [UInt64] = []
        swap(&tally, &self.tally)
        swap(&okSKUs, &grantedSKUs)
        swap(&granted, &self.granted)
        okSKUs.removeAll(keepingCapacity: true)
        for operation in 0..<operations {
            switch reply.item(operation) {
            case .ok:
                for line in 0..<lines { okSKUs.append(skus[operation * lines + line]) }
                granted.append(first + UInt64(operation))
                if measured { tally.ok += 1 }
            case .refused(let code):
                if code == ReplyItems.journalFailureCode {
                    for line in 0..<lines { ledger.maybeGranted(skus[operation * lines + line]) }
                    granted.append(first + UInt64(operation))
                }
                if measured { reply.countRefusal(code: code, index: operation, into: &tally) }
            case .unreadable:
                for line in 0..<lines { ledger.maybeGranted(skus[operation * lines + line]) }
                granted.append(first + UInt64(operation))
                if measured { tally.addError(named: TransportFailure.unreadableReply) }
            }
        }
        ledger.granted(okSKUs)
        swap(&tally, &self.tally)
        swap(&okSKUs, &grantedSKUs)
        swap(&granted, &self.granted)
    }

    func handleRefusedFrame(slot: Int, errorName: String, measured: Bool) {
        if measured { tally.addError(named: errorName, count: slotOperations[slot]) }
    }

    func handleLostFrame(slot: Int, failureName: String, measured: Bool) {
        for sku in slotSKUs[slot] { ledger.maybeGranted(sku) }
        for operation in 0..<slotOperations[slot] { granted.append(slotFirstSequence[slot] + UInt64(operation)) }
        if measured { tally.addError(named: failureName, count: slotOperations[slot]) }
    }

    func activeReservations() -> ReservationList { ReservationList(idPrefix: encoder.idPrefix, sequences: granted) }
}
