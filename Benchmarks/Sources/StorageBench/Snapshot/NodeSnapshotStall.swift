import Engine
import Persistence

/// The snapshot stall as clients see it: a one-shard node (strict durability)
/// with the catalog stocked, under `ReservationLoad`. Per run: 3 s of load,
/// `node.snapshot(shard: 0)` called 1.5 s in; the batch round trips before the
/// call are compared with those of batches in flight while it ran.
struct NodeSnapshotStall {
    static let loadSeconds = 3.0
    static let snapshotAfterSeconds = 1.5
    /// Batches ending this soon after the start are left out of "before" (ramp-up).
    static let settleSeconds = 0.3

    let options: BenchOptions
    let scratch: ScratchDirectory
    let catalog: Catalog

    private struct Window {
        var before: [Int64] = []
        var during: [Int64] = []
    }

    func run(into figures: inout FigureSet) async throws(BenchFailure) {
        let node = try BenchNode.open(
            at: scratch.child("node-snapshot"), durability: .strict, limits: ReservationLoad.limits)
        defer {
            node.shutdown()
            scratch.remove("node-snapshot")
        }
        try await catalog.stock(node.runtime)
        let load = ReservationLoad(catalog: catalog)
        say(
            "== writer stall, end to end: node with \(catalog.skuCount) SKUs, strict durability, \(load.clients) clients × "
                + "execute(batch: \(load.batchSize)) reserve/release; node.snapshot(shard: 0) "
                + "\(Self.snapshotAfterSeconds) s into \(Self.loadSeconds) s of load")
        _ = await load.run(on: node.runtime, until: Stopwatch.nanoseconds() + 1_000_000_000)
        for run in 1...options.runs {
            try await measureOnce(node, load: load, run: run, into: &figures)
        }
    }

    private func measureOnce(
        _ node: DurableNode, load: ReservationLoad, run: Int, into figures: inout FigureSet
    ) async throws(BenchFailure) {
        let origin = Stopwatch.nanoseconds()
        async let loaded = load.run(on: node.runtime, until: origin + Int64(Self.loadSeconds * 1e9))
        await Stopwatch.sleep(seconds: Self.snapshotAfterSeconds)
        let started = Stopwatch.nanoseconds()
        var failure: String?
        do {
            _ = try await node.snapshot(shard: 0)
        } catch {
            failure = "\(error)"
        }
        let ended = Stopwatch.nanoseconds()
        let result = await loaded
        if let failure { throw BenchFailure("node.snapshot: \(failure)") }
        if result.failed > 0 { throw BenchFailure("\(result.failed) commands failed, e.g. \(result.failureExamples)") }

        let window = split(
            result.samples, settledAt: origin + Int64(Self.settleSeconds * 1e9), from: started, to: ended)
        record(window, snapshotNanoseconds: ended - started, into: &figures)
        say(
            "run \(run): snapshot \((ended - started).milliseconds) ms; batch round trip max before "
                + "\((window.before.max() ?? 0).milliseconds) ms, during \((window.during.max() ?? 0).milliseconds) ms")
    }

    /// Batches that ended before the call (after settling), and those in flight at any time during it.
    private func split(
        _ samples: [ReservationLoad.BatchSample], settledAt settled: Int64, from started: Int64, to ended: Int64
    ) -> Window {
        var window = Window()
        for sample in samples {
            let begun = sample.endNanoseconds - sample.latencyNanoseconds
            if sample.endNanoseconds >= settled && sample.endNanoseconds < started {
                window.before.append(sample.latencyNanoseconds)
            } else if sample.endNanoseconds >= started && begun <= ended {
                window.during.append(sample.latencyNanoseconds)
            }
        }
        return window
    }

    private func record(_ window: Window, snapshotNanoseconds: Int64, into figures: inout FigureSet) {
        let configuration = "node, \(catalog.skuCount) SKUs, strict"
        let before = LatencyPercentiles(window.before)
        let during = LatencyPercentiles(window.during)
        let values: [(String, Int64)] = [
            ("node.snapshot(shard:) duration", snapshotNanoseconds),
            ("client batch round trip before: p99", before.p99),
            ("client batch round trip before: max", before.max),
            ("client batch round trip during snapshot: p99", during.p99),
            ("client batch round trip during snapshot: max", during.max),
            ("extra max round trip (during − before)", during.max - before.max),
        ]
        for (name, nanoseconds) in values {
            figures.record(
                SnapshotBench.section, name, configuration: configuration, unit: "ms", value: nanoseconds.milliseconds)
        }
    }
}
