import Engine
import NIOCore
import Wire

/// The funnel workload on one connection: a bounded population of customers,
/// each waiting at its next stage. A frame carries up to `batchSize`
/// customers at the same stage (one kind of operation per frame); the fullest
/// stage goes first, and new customers start when no stage fills a frame.
final class FunnelSource: BenchFrameSource, @unchecked Sendable {
    let requests: FunnelRequests
    let sampler: SKUSampler
    let ledger: StockLedger
    let abandonProbability: Double
    let cancelProbability: Double
    let customersMax: Int
    var random: SplitMix64
    var customers: [FunnelCustomer?] = []
    var freeCustomerSlots: [Int32] = []
    var liveCustomers = 0
    var nextSequence: UInt64 = 0
    var ready: [CircularBuffer<Int32>]
    var slotStage: [FunnelStage]
    /// Per stage: frames sent since it was last served while customers waited at it.
    var framesSkipped = [Int](repeating: 0, count: FunnelStage.allCases.count)
    var slotCustomers: [[Int32]]
    /// Reservations whose outcome is unknown: released after the run in case they were placed.
    var uncertainReservations: [UInt64] = []
    var tally = OutcomeTally()
    /// Outcomes of the measured operations, per stage.
    var stageTallies = [OutcomeTally](repeating: OutcomeTally(), count: FunnelStage.allCases.count)
    var customerCounts = FunnelCustomerCounts()

    var measuredGrants: Int {
        stageTallies[FunnelStage.reserve.rawValue].ok + stageTallies[FunnelStage.checkoutCart.rawValue].ok
    }

    /// Frames a stage with waiting customers may be passed over before it goes next.
    static let framesSkippedMax = 8

    init(
        requests: FunnelRequests, sampler: SKUSampler, ledger: StockLedger, configuration: BenchConfiguration,
        seed: UInt64
    ) {
        self.requests = requests
        self.sampler = sampler
        self.ledger = ledger
        abandonProbability = configuration.abandonProbability
        cancelProbability = configuration.cancelProbability
        customersMax = max(64, 4 * configuration.framesInFlight * configuration.batchSize)
        random = SplitMix64(seed: seed)
        ready = FunnelStage.allCases.map { _ in CircularBuffer(initialCapacity: 16) }
        slotStage = [FunnelStage](repeating: .reserve, count: configuration.framesInFlight)
        slotCustomers = [[Int32]](repeating: [], count: configuration.framesInFlight)
    }

    func prepareFrame(slot: Int, batchSize: Int) -> WireOperation? {
        guard let stage = chooseStage(batchSize: batchSize) else { return nil }
        for other in FunnelStage.allCases where !ready[other.rawValue].isEmpty {
            framesSkipped[other.rawValue] = other == stage ? 0 : framesSkipped[other.rawValue] + 1
        }
        slotStage[slot] = stage
        slotCustomers[slot].removeAll(keepingCapacity: true)
        while slotCustomers[slot].count < batchSize, let customer = ready[stage.rawValue].popFirst() {
            slotCustomers[slot].append(customer)
        }
        return stage.operation
    }

    /// A stage passed over `framesSkippedMax` times goes next, full or not;
    /// otherwise the fullest stage if it fills a frame; otherwise new customers.
    private func chooseStage(batchSize: Int) -> FunnelStage? {
        if let starved = FunnelStage.allCases.first(where: {
            !ready[$0.rawValue].isEmpty && framesSkipped[$0.rawValue] >= Self.framesSkippedMax
        }) {
            return starved
        }
        var fullest: FunnelStage?
        for stage in FunnelStage.allCases where stage != .configureCart && stage != .reserve {
            if ready[stage.rawValue].count > (fullest.map { ready[$0.rawValue].count } ?? 0) { fullest = stage }
        }
        let waiting = fullest.map { ready[$0.rawValue].count } ?? 0
        let room = customersMax - liveCustomers
        if let fullest, waiting >= batchSize || room < batchSize { return fullest }
        guard room > 0 else { return nil }
        let stage: FunnelStage = chance(0.5) ? .configureCart : .reserve
        for _ in 0..<min(batchSize, room) { startCustomer(at: stage) }
        return stage
    }

    func writeItems(slot: Int, into writer: inout FrameWriter) {
        for index in slotCustomers[slot] {
            let command = requests.command(for: customers[Int(index)]!)
            writer.item { CommandCodec.encodePayload(of: command, into: &$0) }
        }
    }

    func operationCount(slot: Int) -> Int { slotCustomers[slot].count }

    func handleReply(_ reply: ReplyItems, slot: Int, measured: Bool) {
        guard reply.count == slotCustomers[slot].count else {
            handleLostFrame(slot: slot, failureName: TransportFailure.itemCountMismatch, measured: measured)
            return
        }
        let stage = slotStage[slot]
        for (position, index) in slotCustomers[slot].enumerated() {
            switch reply.item(position) {
            case .ok:
                count(measured, stage) { $0.ok += 1 }
                advance(Int(index), after: stage)
            case .refused(let code):
                count(measured, stage) { reply.countRefusal(code: code, index: position, into: &$0) }
                refused(Int(index), at: stage, code: code)
            case .unreadable:
                count(measured, stage) { $0.addError(named: TransportFailure.unreadableReply) }
                lost(Int(index), at: stage)
            }
        }
    }

    func handleRefusedFrame(slot: Int, errorName: String, measured: Bool) {
        let stage = slotStage[slot]
        for index in slotCustomers[slot] {
            count(measured, stage) { $0.addError(named: errorName) }
            finish(Int(index)) { $0.failed += 1 }
        }
    }

    func handleLostFrame(slot: Int, failureName: String, measured: Bool) {
        let stage = slotStage[slot]
        for index in slotCustomers[slot] {
            count(measured, stage) { $0.addError(named: failureName) }
            lost(Int(index), at: stage)
        }
    }

    func activeReservations() -> ReservationList {
        var sequences = uncertainReservations
        for stage in [FunnelStage.confirmReservation, .releaseReservation] {
            for index in ready[stage.rawValue] { sequences.append(customers[Int(index)]!.sequence) }
        }
        return ReservationList(idPrefix: Array(requests.reservationIDPrefix.utf8), sequences: sequences)
    }
}
