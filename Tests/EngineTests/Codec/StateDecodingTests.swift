import Foundation
import Testing

@testable import Engine

/// `StateMachine(decoding:limits:)` is the inverse of `encodedState()`: what it
/// decodes re-encodes to the same bytes, has the same derived indices, and
/// answers every later command exactly as the original does; what is corrupt
/// it refuses with a `DecodingError`.
///
/// Random states come from the model-based workload generator (12 seeds, three
/// per limit profile); `HOLDFAST_SEED=<n>` replays one seed, `HOLDFAST_COMMANDS`
/// changes the commands per seed.
@Suite("State decoding: the inverse of encodedState()")
struct StateDecodingTests {
    static let seeds = WorkloadSeeds.selected(default: 201...212)
    static let commandsPerSeed = WorkloadSeeds.commandsPerSeed(default: 1_500)
    static let checkpointInterval = 250

    @Test("an empty state decodes and re-encodes byte for byte", arguments: 0..<4)
    func emptyStateRoundTrips(profile: UInt64) throws {
        let limits = CommandGenerator.limits(forSeed: profile)
        let machine = StateMachine(limits: limits)
        let bytes = machine.encodedState()
        let decoded = try StateMachine(decoding: bytes, limits: limits)
        #expect(decoded.encodedState() == bytes)
        #expect(decoded.lastLSN == 0 && decoded.now == 0)
        #expect(StateDecodingTests.indexDifferences(machine, decoded).isEmpty)
    }

    @Test("a hand-built state using every table, free list and queue round trips and runs on")
    func richStateRoundTripsAndRunsOn() throws {
        let (machine, failures) = StateDecodingSamples.richState()
        #expect(failures.isEmpty)
        #expect(machine.reservations.heap.count == 3 && machine.reservations.finished.count == 2)
        #expect(machine.carts.slots.records.contains { $0.hold != noSlot })
        #expect(machine.orders.finished.count == 2 && machine.idempotency.liveCount == 6)
        let freeSlots = [
            machine.reservations.slots.freeSlots.count, machine.carts.slots.freeSlots.count,
            machine.orders.slots.freeSlots.count, machine.idempotency.slots.freeSlots.count, machine.lines.freeCount,
        ]
        #expect(!freeSlots.contains(0), "free slots per table: \(freeSlots)")

        let bytes = machine.encodedState()
        var decoded = try StateMachine(decoding: bytes, limits: machine.limits)
        #expect(decoded.encodedState() == bytes)
        #expect(Self.indexDifferences(machine, decoded).isEmpty)

        var original = machine
        let later = StateDecodingSamples.start + 31 * StateDecodingSamples.day
        let terms = OrderTerms(
            orderID: "o5", customerID: "c2", currency: "EUR",
            prices: [UnitPrice(sku: "a", unitPriceMinor: 7), UnitPrice(sku: "b", unitPriceMinor: 9)])
        let commands: [Command] = [
            .setStock(SetStock(store: "s1", sku: "a", location: "east", onHand: 3, requestKey: "k1")),
            .addCartItem(AddCartItem(store: "s1", cartID: "cart1", sku: "b", quantity: 2, requestKey: "k4")),
            .listOrders(OrderListQuery(store: "s1", customerID: "c1")),
            .getReservation(ReservationReference(store: "s1", reservationID: "r3")),
            .checkoutCart(CheckoutCart(store: "s1", cartID: "cart1", terms: terms)),
            .listOrders(OrderListQuery(store: "s1", customerID: "c2")),
            .reserve(Reserve(store: "s1", reservationID: "r5", lines: [LineRequest(sku: "b", quantity: 2)])),
            .advanceTime,
        ]
        for (index, command) in commands.enumerated() {
            let timestamp = later + Int64(index) * 1_000 * Limits.nanosecondsPerSecond
            let expected = original.apply(command, at: timestamp)
            #expect(decoded.apply(command, at: timestamp) == expected, "\(command)")
            #expect(decoded.events == original.events, "\(command)")
        }
        #expect(decoded.encodedState() == original.encodedState())
    }

    @Test("every kind of recorded answer round trips, and every truncation of it is refused")
    func resultsRoundTrip() throws {
        for result in StateDecodingSamples.results {
            var writer = BinaryWriter()
            ResultEncoding.encode(result, into: &writer)
            var reader = BinaryReader(writer.bytes)
            #expect(try ResultDecoding.decode(from: &reader) == result)
            #expect(reader.isAtEnd, "\(result)")
            for length in 0..<writer.bytes.count {
                var truncated = BinaryReader(Array(writer.bytes.prefix(length)))
                #expect(throws: DecodingError.self, "\(result) cut to \(length)") {
                    try ResultDecoding.decode(from: &truncated)
                }
            }
        }
    }

    @Test("random states decode, re-encode byte for byte and rebuild every index", arguments: seeds)
    func randomStatesRoundTrip(seed: UInt64) {
        var generator = CommandGenerator(seed: seed)
        var machine = StateMachine(limits: generator.limits)
        for index in 0..<Self.commandsPerSeed {
            Self.drive(&machine, &generator, commands: 1)
            guard index % Self.checkpointInterval == 0 || index == Self.commandsPerSeed - 1 else { continue }
            let bytes = machine.encodedState()
            do {
                let decoded = try StateMachine(decoding: bytes, limits: machine.limits)
                var failures = Self.indexDifferences(machine, decoded)
                if decoded.encodedState() != bytes { failures.append("re-encoding differs") }
                if decoded.lastLSN != machine.lastLSN || decoded.now != machine.now {
                    failures.append("clock or LSN differs")
                }
                if !failures.isEmpty {
                    Issue.record("seed \(seed) (replay: HOLDFAST_SEED=\(seed)), after command \(index): \(failures)")
                    return
                }
            } catch {
                Issue.record("seed \(seed) (replay: HOLDFAST_SEED=\(seed)), after command \(index): refused: \(error)")
                return
            }
        }
    }

    @Test("a decoded machine answers later commands exactly as the original", arguments: seeds)
    func decodedMachineBehavesIdentically(seed: UInt64) throws {
        var generator = CommandGenerator(seed: seed)
        var original = StateMachine(limits: generator.limits)
        let splitPoint = Self.commandsPerSeed / 3 + Int(seed % 7) * 37
        Self.drive(&original, &generator, commands: splitPoint)
        var decoded = try StateMachine(decoding: original.encodedState(), limits: original.limits)

        for index in splitPoint..<Self.commandsPerSeed {
            let step = generator.next()
            let expected = original.apply(step.command, at: step.timestamp, by: step.caller)
            let applied = decoded.apply(step.command, at: step.timestamp, by: step.caller)
            generator.observe(expected.outcome)
            let sameEvents = decoded.events == original.events
            original.events.removeAll(keepingCapacity: true)
            decoded.events.removeAll(keepingCapacity: true)
            guard applied == expected, sameEvents else {
                Issue.record(
                    """
                    seed \(seed) (replay: HOLDFAST_SEED=\(seed)), command \(index) at \(step.timestamp): \(step.command)
                      original: lsn \(String(describing: expected.lsn)) \(expected.outcome)
                      decoded:  lsn \(String(describing: applied.lsn)) \(applied.outcome)
                      same events: \(sameEvents)
                    """)
                return
            }
        }
        #expect(decoded.lastLSN == original.lastLSN, "seed \(seed)")
        #expect(decoded.encodedState() == original.encodedState(), "seed \(seed): final states differ")
        #expect(decoded.checkInvariants().isEmpty, "seed \(seed)")
    }

    // MARK: Helpers

    /// Applies the generator's next `commands` commands, as the model-based tests do.
    static func drive(_ machine: inout StateMachine, _ generator: inout CommandGenerator, commands: Int) {
        for _ in 0..<commands {
            let step = generator.next()
            let applied = machine.apply(step.command, at: step.timestamp)
            generator.observe(applied.outcome)
            machine.events.removeAll(keepingCapacity: true)
        }
    }

    /// Where the indices the encoding leaves out differ between the original and the decoded machine.
    static func indexDifferences(_ original: StateMachine, _ decoded: StateMachine) -> [String] {
        var differences: [String] = []
        for (index, store) in original.stock.stores.enumerated() {
            if decoded.stock.storeIndex(store.name) != Int32(index) { differences.append("store \(store.name) index") }
            if decoded.stock.stores[index].locationIndexByName != store.locationIndexByName {
                differences.append("store \(store.name) location names")
            }
        }
        for (index, sku) in original.stock.skus.enumerated()
        where decoded.stock.skuIndex(store: sku.store, name: sku.name) != Int32(index) {
            differences.append("SKU \(sku.name) index")
        }
        for slot in original.reservations.slots.liveSlots
        {
            let record = original.reservations[slot]
            if decoded.reservations[slot].idHash != record.idHash {
                differences.append("reservation \(record.id) idHash")
            }
            if !record.isCartHold && decoded.reservations.slot(store: record.store, id: record.id) != slot {
                differences.append("reservation \(record.id) index")
            }
        }
        if decoded.reservations.heap != original.reservations.heap { differences.append("expiry heap") }
        if decoded.reservations.finished.entries != original.reservations.finished.entries {
            differences.append("finished reservations")
        }
        for slot in original.carts.slots.liveSlots {
            let cart = original.carts[slot]
            if decoded.carts.slot(store: cart.store, id: cart.id) != slot {
                differences.append("cart \(cart.id) index")
            }
        }
        for slot in original.orders.slots.liveSlots {
            let order = original.orders[slot]
            if decoded.orders.slot(store: order.store, id: order.id) != slot {
                differences.append("order \(order.id) index")
            }
        }
        if decoded.orders.slotsByCustomer != original.orders.slotsByCustomer {
            differences.append("orders by customer")
        }
        if decoded.orders.finished.entries != original.orders.finished.entries { differences.append("finished orders") }
        for slot in original.idempotency.slots.liveSlots {
            let entry = original.idempotency.slots[slot]
            let found = decoded.idempotency.entry(store: entry.key.store, key: entry.key.name, customer: entry.customer)
            if found?.fingerprint != entry.fingerprint || found?.result != entry.result
                || found?.recordedAt != entry.recordedAt
            {
                differences.append("request key \(entry.key.name)")
            }
        }
        if decoded.idempotency.queue.entries != original.idempotency.queue.entries {
            differences.append("request key queue")
        }
        return differences
    }
}
