import Engine
import Foundation
import Persistence

/// Measurement 2: replay speed. Writes one log of a stocked catalog plus
/// `replayCommands` mixed commands (relaxed durability, to be quick), then per
/// run times `Recovery.recoverShard` (no snapshot, `repair: false`) with the
/// log's pages evicted from the page cache and again with them cached, and
/// the phases of a replay separately (see `ReplayPhases`).
struct ReplayBench {
    static let section = "replay"
    static let target = "≥ 2,000,000"
    static let writers = 2
    static let batchSize = 4_096

    let options: BenchOptions
    let scratch: ScratchDirectory
    let catalog = Catalog(skuCount: 100_000)
    let limits = Limits.standard

    func run(into figures: inout FigureSet) async throws(BenchFailure) {
        let path = options.replayLog ?? scratch.child("replay")
        defer { if options.replayLog == nil { scratch.remove("replay") } }
        if FileManager.default.fileExists(atPath: path) {
            say("replay: reusing the log in \(path)")
        } else {
            try await writeLog(at: path)
        }
        let phases = try ReplayPhases(dataDirectory: path, limits: limits)
        let selected = try ReplayPhases.Phase.selected(options.replayPhases)
        say(
            "== replay: 1 shard, \(phases.records) records (\(catalog.skuCount) setStock, then "
                + "\(phases.records - catalog.skuCount) mixed: 40 % reserve of 1–3 SKUs, 30 % release, 20 % adjustStock, "
                + "10 % setStock), \(phases.recordBytes / 1_000_000) MB of records in \(phases.segmentPaths.count) "
                + "segment files of 64 MiB; Recovery.recoverShard without snapshot, repair: false")
        for run in 1...options.runs {
            for phase in selected {
                let nanoseconds = try phases.time(phase)
                let perSecond = Double(phases.records) / nanoseconds.seconds
                figures.record(
                    Self.section, phase.rawValue, configuration: "\(phases.records) records", unit: "ns/record",
                    value: Double(nanoseconds) / Double(phases.records))
                if phase.isWholeRecovery {
                    figures.record(
                        Self.section, phase.rawValue, configuration: "\(phases.records) records", unit: "commands/s",
                        value: perSecond, target: Self.target)
                }
                say("run \(run) \(phase.rawValue): \(nanoseconds.milliseconds) ms, \(Int(perSecond)) records/s")
            }
        }
    }

    /// Stocks the catalog, then `writers` clients submit mixed commands in
    /// batches until `replayCommands` are logged; then closes the node.
    private func writeLog(at path: String) async throws(BenchFailure) {
        let node = try BenchNode.open(at: path, durability: .relaxed, limits: limits)
        defer { node.shutdown() }
        try await catalog.stock(node.runtime)
        let perWriter = (options.replayCommands + Self.writers - 1) / Self.writers
        let failures = await withTaskGroup(of: [String].self) { group in
            for writer in 0..<Self.writers {
                group.addTask { await submitMixed(count: perWriter, writer: writer, to: node.runtime) }
            }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        if let first = failures.first {
            throw BenchFailure("writing the log: \(failures.count) failed, first: \(first)")
        }
    }

    private func submitMixed(count: Int, writer: Int, to runtime: ShardRuntime) async -> [String] {
        var stream = MixedCommandStream(
            catalog: catalog, idPrefix: "w\(writer)-", activeReservationsMax: 10_000, seed: UInt64(writer + 1))
        var failures: [String] = []
        for start in stride(from: 0, to: count, by: Self.batchSize) {
            failures += await runtime.execute(batch: stream.next(min(Self.batchSize, count - start)))
                .failureDescriptions
        }
        return failures
    }
}
