import Testing

@testable import Engine

/// The log is the state: replaying the logged commands (those that got an LSN)
/// with their timestamps into an empty machine gives the same LSNs, the same
/// answers and byte-identical `encodedState()` — checked along the way and at
/// the end, for random workloads that include time jumps, clocks stepping back,
/// expiry, eviction, failures that change state and customer callers (a log
/// record carries its caller, and replay applies it for the same caller).
@Suite("Determinism: replaying the log")
struct DeterminismTests {
    static let seeds = WorkloadSeeds.selected(default: 101...108)
    static let commandsPerSeed = WorkloadSeeds.commandsPerSeed(default: 5_000)
    static let checkpointInterval = 500

    struct LoggedStep {
        var step: WorkloadStep
        var applied: AppliedCommand
    }

    /// Runs a seed's whole workload; returns the machine, every step and the logged ones.
    static func run(seed: UInt64) -> (machine: StateMachine, steps: [WorkloadStep], logged: [LoggedStep]) {
        var generator = CommandGenerator(seed: seed)
        var machine = StateMachine(limits: generator.limits)
        var steps: [WorkloadStep] = []
        var logged: [LoggedStep] = []
        for _ in 0..<commandsPerSeed {
            let step = generator.next()
            let applied = machine.apply(step.command, at: step.timestamp, by: step.caller)
            generator.observe(applied.outcome)
            machine.events.removeAll(keepingCapacity: true)
            steps.append(step)
            if applied.lsn != nil { logged.append(LoggedStep(step: step, applied: applied)) }
        }
        return (machine, steps, logged)
    }

    @Test("replaying the logged commands gives the same LSNs, answers and bytes", arguments: seeds)
    func replayOfLoggedCommands(seed: UInt64) {
        let limits = CommandGenerator.limits(forSeed: seed)
        var original = StateMachine(limits: limits)
        var replica = StateMachine(limits: limits)
        var generator = CommandGenerator(seed: seed)
        var loggedCount = 0

        for index in 0..<Self.commandsPerSeed {
            let step = generator.next()
            let applied = original.apply(step.command, at: step.timestamp, by: step.caller)
            generator.observe(applied.outcome)
            defer { original.events.removeAll(keepingCapacity: true) }
            if let lsn = applied.lsn {
                loggedCount += 1
                #expect(lsn == UInt64(loggedCount), "seed \(seed), command \(index): LSNs must be dense")
                let replayed = replica.apply(step.command, at: step.timestamp, by: step.caller)
                let sameEvents = replica.events == original.events
                replica.events.removeAll(keepingCapacity: true)
                guard replayed == applied, sameEvents else {
                    Issue.record(
                        """
                        seed \(seed) (replay: HOLDFAST_SEED=\(seed)), command \(index) at \(step.timestamp) by \(step.caller): \(step.command)
                          original: lsn \(String(describing: applied.lsn)) \(applied.outcome)
                          replayed: lsn \(String(describing: replayed.lsn)) \(replayed.outcome)
                          same events: \(sameEvents)
                        """)
                    return
                }
            }
            if index % Self.checkpointInterval == 0 && original.encodedState() != replica.encodedState() {
                Issue.record("seed \(seed) (replay: HOLDFAST_SEED=\(seed)): state differs after command \(index): \(step.command) at \(step.timestamp)")
                return
            }
        }
        #expect(loggedCount > Self.commandsPerSeed / 20, "seed \(seed): the workload should change state often")
        #expect(original.encodedState() == replica.encodedState(), "seed \(seed): final state differs")
        #expect(replica.checkInvariants().isEmpty, "seed \(seed): \(replica.checkInvariants())")
    }

    @Test("the full stream, the logged stream and a second run give the same bytes", arguments: seeds)
    func fullStreamLoggedStreamAndSecondRunAgree(seed: UInt64) {
        let first = Self.run(seed: seed)
        let second = Self.run(seed: seed)
        let firstBytes = first.machine.encodedState()

        var fromLog = StateMachine(limits: first.machine.limits)
        for entry in first.logged {
            let replayed = fromLog.apply(entry.step.command, at: entry.step.timestamp, by: entry.step.caller)
            if replayed != entry.applied {
                Issue.record("seed \(seed): replaying \(entry.step.command) gave \(replayed), not \(entry.applied)")
                return
            }
        }
        #expect(fromLog.encodedState() == firstBytes, "seed \(seed): the logged stream and the full stream differ")

        var fromFullStream = StateMachine(limits: first.machine.limits)
        for step in first.steps { _ = fromFullStream.apply(step.command, at: step.timestamp, by: step.caller) }
        #expect(fromFullStream.encodedState() == firstBytes, "seed \(seed): the recorded full stream gives other bytes")
        #expect(second.machine.encodedState() == firstBytes, "seed \(seed): two runs of the same seed differ")
        #expect(second.logged.count == first.logged.count, "seed \(seed): two runs logged different commands")

        let other = Self.run(seed: seed &+ 1_000)
        #expect(other.machine.encodedState() != firstBytes, "seed \(seed): a different seed should reach another state")
    }
}
