import Engine

/// The writer's stall when a snapshot is taken, measured directly: the runtime
/// hands the snapshot a copy of the `StateMachine` value (copy-on-write), so
/// the writer's next mutation of each table duplicates it. Per run: time
/// `commandsPerRun` mixed commands with no live copy, then `let copy = machine`
/// and time as many again while the copy lives; the stall is the difference.
struct WriterStall {
    let commandsPerRun: Int
    let runs: Int
    let configuration: String

    struct Timing {
        var totalNanoseconds: Int64 = 0
        var slowestNanoseconds: Int64 = 0
        var firstNanoseconds: Int64 = 0
    }

    func measure(
        _ machine: inout StateMachine, stream: inout MixedCommandStream, into figures: inout FigureSet
    ) throws(BenchFailure) {
        say(
            "== writer stall, direct: \(commandsPerRun) mixed commands on random SKUs timed one by one, "
                + "without and then with a live copy of the machine (`let copy = machine`)")
        var timestamp = machine.now
        for run in 1...runs {
            let plain = try Self.applyTimed(stream.next(commandsPerRun), to: &machine, timestamp: &timestamp)
            let commands = stream.next(commandsPerRun)
            // In a class, so the optimizer can neither drop the copy early nor free it outside the timing.
            let snapshot = SnapshotHolder(machine)
            let copied = try Self.applyTimed(commands, to: &machine, timestamp: &timestamp)
            let freeing = Stopwatch.time { snapshot.machine = nil }.nanoseconds
            record(plain: plain, copied: copied, freeingNanoseconds: freeing, into: &figures)
            say(
                "run \(run): no copy \(plain.totalNanoseconds.milliseconds) ms (slowest \(plain.slowestNanoseconds.milliseconds) ms), "
                    + "live copy \(copied.totalNanoseconds.milliseconds) ms (slowest \(copied.slowestNanoseconds.milliseconds) ms, "
                    + "first \(copied.firstNanoseconds.milliseconds) ms), freeing the copy \(freeing.milliseconds) ms")
        }
    }

    private func record(plain: Timing, copied: Timing, freeingNanoseconds: Int64, into figures: inout FigureSet) {
        let section = SnapshotBench.section
        let values: [(String, Int64, String?)] = [
            ("writer stall: extra time with a live copy", copied.totalNanoseconds - plain.totalNanoseconds, "≤ 10 ms"),
            ("\(commandsPerRun) commands, no copy", plain.totalNanoseconds, nil),
            ("\(commandsPerRun) commands, live copy", copied.totalNanoseconds, nil),
            ("slowest command, no copy", plain.slowestNanoseconds, nil),
            ("slowest command, live copy", copied.slowestNanoseconds, "≤ 10 ms"),
            ("first command after the copy", copied.firstNanoseconds, nil),
            ("freeing the copy (off the writer in the node)", freeingNanoseconds, nil),
        ]
        for (name, nanoseconds, target) in values {
            figures.record(
                section, name, configuration: configuration, unit: "ms", value: nanoseconds.milliseconds, target: target
            )
        }
    }

    /// Applies `commands` one by one, timing each; every one must change state.
    static func applyTimed(
        _ commands: [Command], to machine: inout StateMachine, timestamp: inout Int64
    ) throws(BenchFailure) -> Timing {
        var timing = Timing()
        for (index, command) in commands.enumerated() {
            timestamp += 1_000
            let started = Stopwatch.nanoseconds()
            let applied = machine.apply(command, at: timestamp)
            machine.events.removeAll(keepingCapacity: true)
            let elapsed = Stopwatch.nanoseconds() - started
            guard applied.lsn != nil else {
                throw BenchFailure("stall command \(command) changed nothing: \(applied.outcome)")
            }
            timing.totalNanoseconds += elapsed
            timing.slowestNanoseconds = max(timing.slowestNanoseconds, elapsed)
            if index == 0 { timing.firstNanoseconds = elapsed }
        }
        return timing
    }
}

/// Holds the snapshot's copy, as the node's snapshot queue does while it writes.
private final class SnapshotHolder {
    var machine: StateMachine?
    init(_ machine: StateMachine) { self.machine = machine }
}
