import Testing

@testable import Engine

/// `StateMachine.replay`, the path recovery applies the log with: it builds no
/// answers (but a keyed command's, which is kept as state) and records no
/// events, and must still give the live machine's LSNs, errors and
/// byte-identical `encodedState()`.
@Suite("Replay: logged commands without answers or events")
struct ReplayTests {
    /// Every kind of command that can change state (and so be logged).
    static let changingKinds: Set = [
        "advanceTime", "setStock", "adjustStock", "setLocationPriority", "setPrice", "reserve", "extendReservation",
        "releaseReservation", "confirmReservation", "configureCart", "addCartItem", "setCartItem", "removeCartItem",
        "clearCart", "checkoutCart", "placeOrder", "payOrder", "fulfillOrder", "cancelOrder",
    ]
    /// Every kind of command that takes a request key.
    static let keyedKinds: Set = [
        "setStock", "adjustStock", "setLocationPriority", "setPrice", "extendReservation", "addCartItem", "payOrder",
        "fulfillOrder", "cancelOrder",
    ]

    /// What one seed's log held: the kinds of its records, and of its keyed records.
    struct Coverage {
        var kinds: Set<String> = []
        var keyedKinds: Set<String> = []
    }

    /// Applies a seed's workload live and replays each logged command into a
    /// replica as it is logged; records an issue at the first difference.
    static func compareLiveAndReplayed(seed: UInt64) -> Coverage {
        var generator = CommandGenerator(seed: seed)
        var live = StateMachine(limits: generator.limits)
        var replica = StateMachine(limits: generator.limits)
        var coverage = Coverage()
        for index in 0..<DeterminismTests.commandsPerSeed {
            let step = generator.next()
            let applied = live.apply(step.command, at: step.timestamp, by: step.caller)
            generator.observe(applied.outcome)
            live.events.removeAll(keepingCapacity: true)
            guard applied.lsn != nil else { continue }
            coverage.kinds.insert(step.command.operationName)
            if Fingerprint.keyedIdentity(of: step.command, caller: step.caller) != nil {
                coverage.keyedKinds.insert(step.command.operationName)
            }
            let replayed = replica.replay(step.command, at: step.timestamp, by: step.caller)
            guard replayed.lsn == applied.lsn, replayed.error == applied.error, replica.now == live.now else {
                Issue.record(
                    """
                    seed \(seed) (replay: HOLDFAST_SEED=\(seed)), command \(index) at \(step.timestamp) by \(step.caller): \(step.command)
                      live:     lsn \(String(describing: applied.lsn)) \(applied.outcome), now \(live.now)
                      replayed: lsn \(String(describing: replayed.lsn)) error \(String(describing: replayed.error)), now \(replica.now)
                    """)
                return coverage
            }
            if index % DeterminismTests.checkpointInterval == 0 && live.encodedState() != replica.encodedState() {
                Issue.record(
                    "seed \(seed) (replay: HOLDFAST_SEED=\(seed)): state differs after command \(index): \(step.command)"
                )
                return coverage
            }
        }
        #expect(replica.events.isEmpty, "seed \(seed): replay recorded events")
        #expect(replica.recordsEvents, "seed \(seed): replay leaves the events setting as it found it")
        #expect(live.encodedState() == replica.encodedState(), "seed \(seed): final state differs")
        #expect(replica.checkInvariants().isEmpty, "seed \(seed): \(replica.checkInvariants())")
        return coverage
    }

    @Test("replaying the log gives the live LSNs, errors, clock and bytes, for every kind of command, keyed too")
    func replayMatchesTheLiveMachine() {
        var coverage = Coverage()
        for seed in DeterminismTests.seeds {
            let seen = Self.compareLiveAndReplayed(seed: seed)
            coverage.kinds.formUnion(seen.kinds)
            coverage.keyedKinds.formUnion(seen.keyedKinds)
        }
        #expect(
            coverage.kinds == Self.changingKinds,
            "logged kinds: missing \(Self.changingKinds.subtracting(coverage.kinds))")
        #expect(
            coverage.keyedKinds == Self.keyedKinds,
            "logged keyed kinds: missing \(Self.keyedKinds.subtracting(coverage.keyedKinds))")
    }

    @Test("a keyed command's answer is kept by replay: a retry answers as it does on the live machine")
    func replayKeepsTheAnswerOfAKeyedCommand() {
        var live = Harness()
        live.setStock("A", onHand: 10)
        live.succeed(.setStock(SetStock(store: store, sku: "A", onHand: 20, requestKey: "k1")))
        live.reserve("r1", [line("A", 2)])
        live.succeed(adjustCommand("A", by: 5, requestKey: "k2"))

        var replica = StateMachine(limits: live.limits)
        for entry in live.log {
            #expect(replica.replay(entry.command, at: entry.timestamp, by: entry.caller).lsn != nil)
        }
        #expect(replica.encodedState() == live.machine.encodedState())
        for retry in [
            Command.setStock(SetStock(store: store, sku: "A", onHand: 20, requestKey: "k1")),
            adjustCommand("A", by: 5, requestKey: "k2"),
        ] {
            let fromLive = live.apply(retry)
            let fromReplica = replica.apply(retry, at: live.clock)
            #expect(fromReplica == fromLive)
            #expect(fromReplica.stockRecord?.replayed == true)
        }
    }

    @Test("replay answers a command that failed but changed state with its error")
    func replayReportsTheErrorOfAFailedChange() {
        var live = Harness()
        live.setStock("A", onHand: 10)
        live.reserve("r1", [line("A", 2)], ttlSeconds: 5)
        live.advance(seconds: 10)
        let extended = live.apply(extendCommand("r1", ttlSeconds: 30))
        #expect(extended.error == .reservationExpired(id: "r1"))
        #expect(extended.lsn != nil, "finding the reservation past its deadline expires it")

        var replica = StateMachine(limits: live.limits)
        var last = ReplayedCommand(lsn: nil, error: nil)
        for entry in live.log { last = replica.replay(entry.command, at: entry.timestamp, by: entry.caller) }
        #expect(last == ReplayedCommand(lsn: extended.lsn, error: .reservationExpired(id: "r1")))
        #expect(replica.encodedState() == live.machine.encodedState())
    }
}
