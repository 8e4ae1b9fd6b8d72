import Engine
import Foundation
import HoldfastClient
import Wire

/// The phases around the measurement: loading the catalog, reading stock
/// back, releasing the run's reservations, and asking for the server's counters.
struct BenchPhases: Sendable {
    let pipeline: FramePipeline
    let store: String
    let catalog: SKUCatalog
    /// Operations per frame in these phases.
    let itemsPerFrame: Int
    let progress: @Sendable (String) -> Void

    init(connections: [WireConnection], store: String, catalog: SKUCatalog, progress: @escaping @Sendable (String) -> Void) {
        pipeline = FramePipeline(connections: connections)
        self.store = store
        self.catalog = catalog
        let limits = connections[0].helloReply.limits
        itemsPerFrame = max(1, min(limits.itemsPerFrameMax, 4_096, (limits.frameBytesMax - 1_024) / 256))
        self.progress = progress
    }

    /// Sets every SKU's stock (on hand, no safety stock, no backorder allowance),
    /// in batched `setStock` frames, reporting progress about once a second.
    /// Returns the seconds it took.
    func loadCatalog() async throws -> Double {
        let started = Date()
        var lastReport = started
        let frameCount = (catalog.count + itemsPerFrame - 1) / itemsPerFrame
        let framesPerStep = 16 * pipeline.connections.count
        for firstFrame in stride(from: 0, to: frameCount, by: framesPerStep) {
            let frames = min(framesPerStep, frameCount - firstFrame)
            _ = try await pipeline.run(
                operation: WireOperation(command: .setStock), frameCount: frames,
                encode: { [self] frame, writer in
                    for sku in skus(ofFrame: firstFrame + frame) {
                        let command = Command.setStock(
                            SetStock(
                                store: store, sku: catalog.name(of: sku), onHand: catalog.initialOnHand, safetyStock: 0,
                                backorderLimit: 0))
                        writer.item { CommandCodec.encodePayload(of: command, into: &$0) }
                    }
                },
                decode: { [self] frame, reply in try expectStockSet(reply, count: skus(ofFrame: firstFrame + frame).count) })
            if Date().timeIntervalSince(lastReport) >= 1 {
                lastReport = Date()
                let loaded = min(catalog.count, (firstFrame + frames) * itemsPerFrame)
                progress("loaded \(loaded) of \(catalog.count) SKUs…")
            }
        }
        return Date().timeIntervalSince(started)
    }

    /// Reads the stock of the SKUs `indices` with batched `getStock` frames.
    func readStock(of indices: [Int]) async throws -> [OversellCheck.Observation] {
        let frameCount = (indices.count + itemsPerFrame - 1) / itemsPerFrame
        let pages = try await pipeline.run(
            operation: WireOperation(command: .getStock), frameCount: frameCount,
            encode: { [self] frame, writer in
                for position in positions(ofFrame: frame, total: indices.count) {
                    let command = Command.getStock(StockQuery(store: store, sku: catalog.name(of: indices[position])))
                    writer.item { CommandCodec.encodePayload(of: command, into: &$0) }
                }
            },
            decode: { [self] frame, reply in
                let frameIndices = positions(ofFrame: frame, total: indices.count).map { indices[$0] }
                return try decodeStock(reply, indices: frameIndices)
            })
        return pages.flatMap { $0 }
    }

    /// Releases the reservations in `lists`; returns how many the server released.
    func release(_ lists: [ReservationList]) async throws -> Int {
        let all = lists.flatMap { list in list.sequences.map { (list.idPrefix, $0) } }
        guard !all.isEmpty else { return 0 }
        let storeBytes = { var writer = BinaryWriter(); writer.write(store); return writer.bytes }()
        let frameCount = (all.count + itemsPerFrame - 1) / itemsPerFrame
        let released = try await pipeline.run(
            operation: WireOperation(command: .releaseReservation), frameCount: frameCount,
            encode: { [self] frame, writer in
                for position in positions(ofFrame: frame, total: all.count) {
                    writer.beginItem()
                    writer.writer.write(contentsOf: storeBytes)
                    ReservationEncoder.writeID(prefix: all[position].0, sequence: all[position].1, into: &writer.writer)
                    writer.endItem()
                }
            },
            decode: { _, reply in
                let items = try ReplyItems(try reply.get())
                return (0..<items.count).filter { items.item($0) == .ok }.count
            })
        return released.reduce(0, +)
    }

    /// The server's counters, or nil if it does not answer `stats`.
    func serverStats() async -> ServerStats? {
        let reply = await pipeline.connections[0].roundTrip(.stats) { writer in writer.item { _ in } }
        guard case .success(let frame) = reply, let ranges = try? frame.itemRanges(), ranges.count == 1,
            case .success(let stats)? = try? frame.replyOutcome(of: ranges[0], decodeResult: ServerStats.decode)
        else { return nil }
        return stats
    }

    private func skus(ofFrame frame: Int) -> Range<Int> { positions(ofFrame: frame, total: catalog.count) }

    private func positions(ofFrame frame: Int, total: Int) -> Range<Int> {
        frame * itemsPerFrame..<min(total, (frame + 1) * itemsPerFrame)
    }

    private func expectStockSet(_ reply: Result<Frame, HoldfastClientError>, count: Int) throws -> Int {
        let frame = try reply.mapError { BenchError("setting stock: \($0)") }.get()
        let ranges = try frame.itemRanges()
        guard ranges.count == count else { throw BenchError("setting stock: \(ranges.count) replies to \(count) requests") }
        for range in ranges {
            switch try frame.replyOutcome(of: range, decodeResult: { try ResultCodec.decode(from: &$0) }) {
            case .success(.stockRecord(let record)) where record.levels.onHand == catalog.initialOnHand: continue
            case .success(let other): throw BenchError("setting stock: unexpected answer \(other)")
            case .failure(let error): throw BenchError("setting stock: \(error)")
            }
        }
        return count
    }

    private func decodeStock(_ reply: Result<Frame, HoldfastClientError>, indices: [Int]) throws
        -> [OversellCheck.Observation]
    {
        let frame = try reply.mapError { BenchError("reading stock: \($0)") }.get()
        if frame.header.status != 0 { throw BenchError("reading stock: \(frame.frameError())") }
        let ranges = try frame.itemRanges()
        guard ranges.count == indices.count else {
            throw BenchError("reading stock: \(ranges.count) replies to \(indices.count) requests")
        }
        return try zip(ranges, indices).map { range, index in
            switch try frame.replyOutcome(of: range, decodeResult: { try ResultCodec.decode(from: &$0) }) {
            case .success(.stock(let view)): return OversellCheck.Observation(skuIndex: index, sku: view.sku, levels: view.totals)
            case .success(let other): throw BenchError("reading stock of \(catalog.name(of: index)): unexpected answer \(other)")
            case .failure(let error): throw BenchError("reading stock of \(catalog.name(of: index)): \(error)")
            }
        }
    }
}
