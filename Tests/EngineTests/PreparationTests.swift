import Testing

@testable import Engine

/// A command prepared where it was decoded (`Preparation.of`) is answered
/// exactly as one the writer checks itself.
@Suite("Preparation: work moved off the writer changes no answer")
struct PreparationTests {
    @Test("random workloads: the same answers, events and state bytes, prepared or not", arguments: [201, 202, 203] as [UInt64])
    func sameAnswers(seed: UInt64) {
        let limits = CommandGenerator.limits(forSeed: seed)
        var checked = StateMachine(limits: limits)
        var prepared = StateMachine(limits: limits)
        var generator = CommandGenerator(seed: seed)
        var preparedReserves = 0
        for index in 0..<3_000 {
            let step = generator.next()
            let preparation = Preparation.of(step.command)
            if preparation != .none { preparedReserves += 1 }
            let expected = checked.apply(step.command, at: step.timestamp, by: step.caller)
            let actual = prepared.apply(step.command, at: step.timestamp, by: step.caller, prepared: preparation)
            generator.observe(expected.outcome)
            #expect(actual == expected, "seed \(seed), command \(index): \(step.command)")
            #expect(prepared.events == checked.events, "seed \(seed), command \(index)")
            checked.events.removeAll(keepingCapacity: true)
            prepared.events.removeAll(keepingCapacity: true)
        }
        #expect(preparedReserves > 100, "the workload prepares reserves")
        #expect(prepared.encodedState() == checked.encodedState())
        #expect(prepared.preparation == .none, "nothing is left over between commands")
    }

    @Test("only a valid reserve is prepared, with its fingerprint; anything else is checked on the writer")
    func whatIsPrepared() {
        let valid = Reserve(store: "s", reservationID: "r1", lines: [LineRequest(sku: "A", quantity: 2)], owner: "c1")
        #expect(Preparation.of(.reserve(valid)).reserveFingerprint == Fingerprint.of(valid))
        var badQuantity = valid
        badQuantity.lines[0].quantity = 0
        var badID = valid
        badID.reservationID = ""
        var badTTL = valid
        badTTL.ttlSeconds = -1
        for invalid in [badQuantity, badID, badTTL] {
            #expect(Preparation.of(.reserve(invalid)) == .none, "\(invalid)")
        }
        #expect(Preparation.of(.setStock(SetStock(store: "s", sku: "A", onHand: 1))) == .none)
    }
}
