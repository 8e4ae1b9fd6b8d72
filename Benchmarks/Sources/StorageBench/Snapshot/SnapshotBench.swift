import Engine
import Foundation
import Persistence

/// Measurement 3: snapshots of a shard with `snapshotSKUs` SKUs. On a state
/// built directly (no runtime): `encodedState()`, `SnapshotFile.write`, and the
/// writer's copy-on-write stall (`WriterStall`); then the stall as clients of a
/// loaded `DurableNode` see it (`NodeSnapshotStall`).
struct SnapshotBench {
    static let section = "snapshot"
    /// Mixed commands applied after stocking: about 80,000 reservations, up to
    /// `activeReservationsMax` of them active, the others finished and retained.
    static let mixedCommands = 200_000
    static let activeReservationsMax = 20_000

    let options: BenchOptions
    let scratch: ScratchDirectory
    var catalog: Catalog { Catalog(skuCount: options.snapshotSKUs) }
    var configuration: String { "\(options.snapshotSKUs) SKUs" }

    func run(into figures: inout FigureSet) async throws(BenchFailure) {
        say("== snapshot: building a state of \(options.snapshotSKUs) SKUs + \(Self.mixedCommands) mixed commands…")
        var stream = MixedCommandStream(
            catalog: catalog, idPrefix: "s", activeReservationsMax: Self.activeReservationsMax, seed: 0x5AA9)
        var machine = buildState(&stream)
        say(
            "state: \(options.snapshotSKUs) SKUs in one store, one location each; \(machine.lastLSN) commands applied, "
                + "up to \(Self.activeReservationsMax) active reservations; timing encodedState(), then "
                + "SnapshotFile.write (encode + SHA-256 + CRC + pwrite + fdatasync + rename + directory fsync)")
        measureEncoding(machine, into: &figures)
        try measureFileWrite(machine, into: &figures)
        try WriterStall(commandsPerRun: options.stallCommands, runs: options.runs, configuration: configuration)
            .measure(&machine, stream: &stream, into: &figures)
        machine = StateMachine()
        try await NodeSnapshotStall(options: options, scratch: scratch, catalog: catalog).run(into: &figures)
    }

    private func buildState(_ stream: inout MixedCommandStream) -> StateMachine {
        var machine = catalog.machine(limits: .standard)
        var timestamp = machine.now
        for _ in 0..<Self.mixedCommands {
            DirectApply.applyChecked(stream.next(), to: &machine, timestamp: &timestamp)
        }
        return machine
    }

    private func measureEncoding(_ machine: StateMachine, into figures: inout FigureSet) {
        for run in 1...options.runs {
            let (encoded, nanoseconds) = Stopwatch.time { machine.encodedState() }
            figures.record(
                Self.section, "encodedState()", configuration: configuration, unit: "ms",
                value: nanoseconds.milliseconds)
            figures.record(
                Self.section, "encoded state size", configuration: configuration, unit: "MB",
                value: Double(encoded.count) / 1e6)
            say("run \(run) encodedState: \(nanoseconds.milliseconds) ms, \(encoded.count) bytes")
        }
    }

    private func measureFileWrite(_ machine: StateMachine, into figures: inout FigureSet) throws(BenchFailure) {
        let directory = scratch.child("snapshots")
        defer { scratch.remove("snapshots") }
        for run in 1...options.runs {
            let nanoseconds: Int64
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                nanoseconds = try Stopwatch.time {
                    try SnapshotFile.write(machine, shardIndex: 0, shardCount: 1, directory: directory, pacing: .full)
                }.nanoseconds
            } catch {
                throw BenchFailure("SnapshotFile.write: \(error)")
            }
            scratch.remove("snapshots")
            figures.record(
                Self.section, "SnapshotFile.write (encode … directory fsync)", configuration: configuration, unit: "ms",
                value: nanoseconds.milliseconds)
            say("run \(run) SnapshotFile.write: \(nanoseconds.milliseconds) ms")
        }
    }
}
