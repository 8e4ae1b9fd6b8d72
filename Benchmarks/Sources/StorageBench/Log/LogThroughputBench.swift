import Engine
import Persistence

/// Measurement 1: the journal under many concurrent submitters, one shard.
/// Each run first measures the disk's own 4 KiB overwrite + fdatasync, then
/// each journal configuration on a fresh node: 0.5 s of warm-up, then
/// `logSeconds` of `ReservationLoad`, with the journal's statistics read
/// before and after.
struct LogThroughputBench {
    struct Configuration {
        var durability: Durability
        var backend: IOBackend
        var label: String { "\(durability), \(backend.rawValue)" }
    }

    static let section = "log"
    static let configurations = [
        Configuration(durability: .strict, backend: .uring),
        Configuration(durability: .strict, backend: .sync),
        Configuration(durability: .relaxed, backend: .uring),
    ]
    static let diskProbeWrites = 2_000
    static let warmUpSeconds = 0.5

    let options: BenchOptions
    let scratch: ScratchDirectory
    let catalog = Catalog(skuCount: 1_000, onHand: Limits.quantityMax)
    let load: ReservationLoad

    init(options: BenchOptions, scratch: ScratchDirectory) {
        self.options = options
        self.scratch = scratch
        load = ReservationLoad(catalog: catalog)
    }

    func run(into figures: inout FigureSet) async throws(BenchFailure) {
        say(
            "== log throughput: 1 shard, \(load.clients) clients × execute(batch: \(load.batchSize)), alternating "
                + "batches of single-line reserves and of their releases, \(catalog.skuCount) SKUs, "
                + "\(options.logSeconds) s per run after \(Self.warmUpSeconds) s warm-up; segments \(options.segmentMiB) MiB, O_DIRECT; "
                + "disk probe: \(Self.diskProbeWrites) × (4 KiB pwrite + fdatasync) over a written 64 MiB file")
        for run in 1...options.runs {
            try probeDisk(run: run, into: &figures)
            for configuration in Self.configurations {
                let window = try await measure(configuration, run: run)
                window.record(configuration.label, synced: configuration.durability == .strict, into: &figures)
                say("run \(run) \(configuration.label): \(window.summary)")
            }
        }
    }

    /// The disk's latency idle, with O_DIRECT as the journal writes, and with
    /// both cores kept busy (as they are under load: the time to wake the
    /// waiting thread after the sync counts too).
    func probeDisk(run: Int, into figures: inout FigureSet) throws(BenchFailure) {
        let variants = [("buffered", false, 0), ("O_DIRECT", true, 0), ("buffered, 2 threads spinning", false, 2)]
        for (label, direct, spinningThreads) in variants {
            let latencies = try DiskSyncProbe.measure(
                path: scratch.child("disk-probe"), writes: Self.diskProbeWrites, direct: direct,
                spinningThreads: spinningThreads)
            let percentiles = LatencyPercentiles(latencies)
            let configuration = "disk alone, " + label
            for (name, value) in [("p50", percentiles.p50), ("p99", percentiles.p99), ("p99.9", percentiles.p999)] {
                figures.record(
                    Self.section, "4 KiB overwrite + fdatasync \(name)", configuration: configuration, unit: "ms",
                    value: value.milliseconds)
            }
            say(
                "run \(run) \(configuration): p50 \(percentiles.p50.milliseconds) ms, p99 \(percentiles.p99.milliseconds) ms"
            )
        }
    }

    private func measure(_ configuration: Configuration, run: Int) async throws(BenchFailure) -> JournalWindow {
        let name = "log-\(configuration.durability)-\(configuration.backend.rawValue)-\(run)"
        let node = try BenchNode.open(
            at: scratch.child(name), durability: configuration.durability, backend: configuration.backend,
            limits: ReservationLoad.limits, segmentBytes: options.segmentMiB << 20)
        defer {
            node.shutdown()
            scratch.remove(name)
        }
        try await catalog.stock(node.runtime)
        let journal = BenchNode.journal(node)
        _ = await load.run(on: node.runtime, until: Stopwatch.nanoseconds() + Int64(Self.warmUpSeconds * 1e9))
        let before = journal.currentStatistics
        let started = Stopwatch.nanoseconds()
        let result = await load.run(on: node.runtime, until: started + Int64(options.logSeconds * 1e9))
        let elapsed = Stopwatch.nanoseconds() - started
        let after = journal.currentStatistics
        if result.failed > 0 {
            throw BenchFailure(
                "\(configuration.label): \(result.failed) commands failed, e.g. \(result.failureExamples)")
        }
        return JournalWindow(before: before, after: after, elapsedNanoseconds: elapsed, batches: result.samples)
    }
}
