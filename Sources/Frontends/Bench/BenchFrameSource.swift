import Wire

/// A workload as one connection's driver sees it: what the next frame holds,
/// and what each reply means. Each frame occupies a slot (0 ..< frames in
/// flight) until its reply is handled, so a source keeps per-frame state in
/// preallocated arrays indexed by slot.
///
/// Called only on the driver's event loop.
protocol BenchFrameSource: AnyObject {
    /// Chooses the next frame (at most `batchSize` operations of one kind) and
    /// remembers it in `slot`; nil when nothing can be sent now.
    func prepareFrame(slot: Int, batchSize: Int) -> WireOperation?

    /// Writes the items of the frame prepared in `slot`.
    func writeItems(slot: Int, into writer: inout FrameWriter)

    /// Operations in the frame in `slot`.
    func operationCount(slot: Int) -> Int

    /// Accounts for the reply to the frame in `slot`; `measured` says whether
    /// it counts in the report (sent within the measured window).
    func handleReply(_ reply: ReplyItems, slot: Int, measured: Bool)

    /// The frame in `slot` was refused as a whole (a frame-level error named
    /// `name`): none of its operations was applied.
    func handleRefusedFrame(slot: Int, errorName: String, measured: Bool)

    /// No readable reply to the frame in `slot` will come (`name` says why):
    /// its operations may or may not have been applied.
    func handleLostFrame(slot: Int, failureName: String, measured: Bool)

    /// Outcomes of the measured operations.
    var tally: OutcomeTally { get }

    /// Reservations placed (or orders checked out) among the measured operations.
    var measuredGrants: Int { get }

    /// The reservations this source left active, to release after the run.
    func activeReservations() -> ReservationList
}

/// Reservation ids of one connection: a prefix and sequence numbers
/// (`ReservationEncoder.writeID`), compact enough for millions of them.
struct ReservationList: Sendable {
    var idPrefix: [UInt8]
    var sequences: [UInt64]
}
