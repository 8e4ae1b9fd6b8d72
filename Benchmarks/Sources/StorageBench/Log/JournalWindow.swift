import Persistence

/// What a journal did between two readings of its statistics, and what the
/// clients saw meanwhile.
struct JournalWindow {
    var seconds: Double
    var frames: Int
    var records: Int
    var recordBytes: Int
    var bytesWritten: Int
    var segmentsCreated: Int
    /// Write (+ fdatasync in strict mode) of each frame in the window.
    var frameLatencies: LatencyPercentiles
    /// Whether the journal's latency ring wrapped, so some samples predate the window.
    var latencySamplesWrapped: Bool
    /// Round trip of each client batch (`execute(batch:)`).
    var batchLatencies: LatencyPercentiles

    init(
        before: SegmentJournal.Statistics, after: SegmentJournal.Statistics, elapsedNanoseconds: Int64,
        batches: [ReservationLoad.BatchSample]
    ) {
        seconds = elapsedNanoseconds.seconds
        frames = after.frames - before.frames
        records = after.records - before.records
        recordBytes = after.recordBytes - before.recordBytes
        bytesWritten = after.bytesWritten - before.bytesWritten
        segmentsCreated = after.segmentsCreated - before.segmentsCreated
        let all = after.writeLatenciesNanoseconds
        latencySamplesWrapped = all.count >= SegmentJournal.latencySampleCapacity
        frameLatencies = LatencyPercentiles(
            latencySamplesWrapped ? all : Array(all[before.writeLatenciesNanoseconds.count...]))
        batchLatencies = LatencyPercentiles(batches.map(\.latencyNanoseconds))
    }

    var summary: String {
        "\(Int(Double(records) / seconds)) records/s, \(frames) frames, "
            + "\(String(format: "%.1f", Double(records) / Double(max(frames, 1)))) records/frame, "
            + "frame p50 \(frameLatencies.p50.milliseconds) ms p99 \(frameLatencies.p99.milliseconds) ms "
            + "max \(frameLatencies.max.milliseconds) ms, \(segmentsCreated) segments created"
            + (latencySamplesWrapped ? " (latency ring wrapped)" : "")
    }

    /// - Parameter synced: whether each frame write included fdatasync (strict).
    func record(_ configuration: String, synced: Bool, into figures: inout FigureSet) {
        let section = LogThroughputBench.section
        let perSecond = { (count: Int) in Double(count) / seconds }
        figures.record(section, "records/s", configuration: configuration, unit: "records/s", value: perSecond(records))
        figures.record(
            section, "record bytes", configuration: configuration, unit: "MB/s", value: perSecond(recordBytes) / 1e6)
        figures.record(
            section, "bytes written (padded frames)", configuration: configuration, unit: "MB/s",
            value: perSecond(bytesWritten) / 1e6)
        figures.record(
            section, "frames (group commits)", configuration: configuration, unit: "frames/s", value: perSecond(frames))
        figures.record(
            section, "records per frame", configuration: configuration, unit: "records",
            value: Double(records) / Double(max(frames, 1)))
        figures.record(
            section, "mean frame size (padded)", configuration: configuration, unit: "KiB",
            value: Double(bytesWritten) / Double(max(frames, 1)) / 1_024)
        let latencies = [
            ("p50", frameLatencies.p50), ("p99", frameLatencies.p99), ("p99.9", frameLatencies.p999),
            ("max", frameLatencies.max),
        ]
        for (name, value) in latencies {
            figures.record(
                section, (synced ? "frame write+fdatasync " : "frame write (no sync) ") + name,
                configuration: configuration, unit: "ms", value: value.milliseconds)
        }
        figures.record(
            section, "client batch round trip p99", configuration: configuration, unit: "ms",
            value: batchLatencies.p99.milliseconds)
    }
}
