import Testing

@testable import Engine

/// Specific corruptions of a small, known state, each refused with a
/// `DecodingError` at the offending offset.
@Suite("State decoding: specific refusals")
struct StateDecodingRefusalTests {
    /// Store "s1" with SKU "a" (5 on hand at `default`) and reservation "r1"
    /// holding 1 of it. Its layout (docs/storage-format.md, state encoding): header 0..<24,
    /// the store 28..<54, the SKU 58..<71, the stock record 75..<120, the line
    /// count at 120 and line node 0 from 124.
    static func fixture() -> StateMachine {
        var machine = StateMachine()
        _ = machine.apply(.setStock(SetStock(store: "s1", sku: "a", onHand: 5)), at: 1_000)
        let line = LineRequest(sku: "a", quantity: 1)
        _ = machine.apply(.reserve(Reserve(store: "s1", reservationID: "r1", lines: [line])), at: 2_000)
        return machine
    }

    static let skuOffset = 58
    static let skuFirstRecordOffset = 67
    static let stockRecordReservedOffset = 83
    static let firstNodeOffset = 124

    /// The error decoding `bytes` throws, or nil (recording an issue) if it decodes or throws something else.
    static func refusal(_ bytes: [UInt8], limits: Limits = .standard) -> DecodingError? {
        do {
            _ = try StateMachine(decoding: bytes, limits: limits)
            Issue.record("corrupt state was accepted")
        } catch let error as DecodingError {
            return error
        } catch {
            Issue.record("refused with \(error), not a DecodingError")
        }
        return nil
    }

    static func readInt32(_ bytes: [UInt8], at offset: Int) -> Int32 {
        Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) })
    }

    static func writeInt32(_ value: Int32, into bytes: inout [UInt8], at offset: Int) {
        for position in 0..<4 {
            bytes[offset + position] = UInt8(truncatingIfNeeded: UInt32(bitPattern: value) >> (8 * position))
        }
    }

    @Test("the fixture decodes, and its layout is the one the offsets assume")
    func fixtureLayout() throws {
        let bytes = Self.fixture().encodedState()
        #expect(try StateMachine(decoding: bytes, limits: .standard).encodedState() == bytes)
        #expect(Self.readInt32(bytes, at: Self.skuFirstRecordOffset) == 0)
        #expect(bytes[Self.stockRecordReservedOffset] == 1)
        #expect(Self.readInt32(bytes, at: Self.firstNodeOffset) == 0)
        #expect(Self.readInt32(bytes, at: Self.firstNodeOffset - 4) == 1, "one line node")
    }

    @Test("wrong magic")
    func wrongMagic() {
        var bytes = Self.fixture().encodedState()
        bytes[0] ^= 0x20
        let error = Self.refusal(bytes)
        #expect(error?.offset == 0)
        #expect(error?.reason.contains("magic") == true)
    }

    @Test("wrong version")
    func wrongVersion() {
        var bytes = Self.fixture().encodedState()
        Self.writeInt32(Int32(StateMachine.stateEncodingVersion) + 1, into: &bytes, at: 4)
        let error = Self.refusal(bytes)
        #expect(error?.offset == 4)
        #expect(error?.reason.contains("version 3") == true)
    }

    @Test("trailing bytes, and every truncation")
    func trailingBytesAndTruncation() {
        let bytes = Self.fixture().encodedState()
        let error = Self.refusal(bytes + [0])
        #expect(error?.offset == bytes.count)
        #expect(error?.reason.contains("trailing") == true)
        for length in 0..<bytes.count {
            let truncated = Self.refusal(Array(bytes.prefix(length)))
            #expect(truncated != nil && truncated!.offset <= length, "truncated to \(length)")
        }
    }

    @Test("a line node naming a stock record that does not exist")
    func lineReferenceOutOfRange() {
        var bytes = Self.fixture().encodedState()
        Self.writeInt32(7, into: &bytes, at: Self.firstNodeOffset)
        let error = Self.refusal(bytes)
        #expect(error?.offset == Self.firstNodeOffset)
        #expect(error?.reason.contains("out of range") == true)
    }

    @Test("a SKU whose first stock record is out of range")
    func skuReferenceOutOfRange() {
        var bytes = Self.fixture().encodedState()
        Self.writeInt32(9, into: &bytes, at: Self.skuFirstRecordOffset)
        let error = Self.refusal(bytes)
        #expect(error?.offset == Self.skuOffset)
        #expect(error?.reason.contains("out of range") == true)
    }

    @Test("reserved that disagrees with the reservation lines breaks an invariant")
    func invariantViolation() {
        var bytes = Self.fixture().encodedState()
        bytes[Self.stockRecordReservedOffset] = 2
        let error = Self.refusal(bytes)
        #expect(error?.offset == 0)
        #expect(error?.reason.contains("invariant") == true)
    }

    @Test("a state beyond the limits' capacities")
    func capacityExceeded() throws {
        var machine = StateMachine()
        for store in ["s1", "s2"] { _ = machine.apply(.setStock(SetStock(store: store, sku: "a", onHand: 1)), at: 1) }
        let bytes = machine.encodedState()
        let error = Self.refusal(bytes, limits: Limits(storesPerShardMax: 1))
        #expect(error?.offset == 24)
        #expect(error?.reason.contains("capacity") == true)
        #expect(try StateMachine(decoding: bytes, limits: Limits(storesPerShardMax: 2)).encodedState() == bytes)
    }

    @Test("a free slot that is live")
    func freeSlotThatIsLive() {
        var machine = Self.fixture()
        _ = machine.apply(.releaseReservation(ReservationReference(store: "s1", reservationID: "r1")), at: 3_000)
        var bytes = machine.encodedState()
        // The free list of reservation slots is empty; its count sits before the
        // heap count, the finished queue (1 entry), the three empty tables and the empty price list.
        let freeCountOffset = bytes.count - (4 + 4 + 16 + 8 + 12 + 12 + 4)
        #expect(Self.readInt32(bytes, at: freeCountOffset) == 0)
        bytes.replaceSubrange(freeCountOffset..<freeCountOffset + 4, with: [1, 0, 0, 0, 0, 0, 0, 0])
        let error = Self.refusal(bytes)
        #expect(error?.offset == freeCountOffset + 4)
        #expect(error?.reason.contains("is live") == true)
    }
}
