import ArgumentParser
import Engine
import Foundation
import Persistence

/// `holdfast crash-driver`: a load generator for the crash test. It opens a
/// data directory with the real journal (strict durability), prints `READY`,
/// then sends reservations and counter adjustments with unique ids from
/// several concurrent clients, printing `SENT <id>` before a batch is
/// submitted and `ACK <id>` once its reply arrived — until it is killed. The
/// test kills it with SIGKILL and checks the next recovery against the ACKs.
struct CrashDriverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-driver",
        abstract: "Testing aid: drive a durable node until killed, printing acknowledged operation ids.",
        shouldDisplay: false)

    /// The store and SKU whose on-hand counts applied adjustments.
    static let counterStore = "store-0"
    static let counterSKU = "counter"
    static let stores = 4
    static let skus = 10

    @Option(help: "Data directory.")
    var dataDir: String

    @Option(help: "First operation id; each run uses its own range.")
    var firstID: Int

    @Option(help: "Shards for a new data directory.")
    var shards: Int = 2

    @Option(help: "Concurrent clients.")
    var clients: Int = 4

    @Option(help: "Operations per batch.")
    var batch: Int = 16

    @Option(help: "Log segment size in KiB (small, so runs cross segments).")
    var segmentKib: Int = 256

    @Option(help: "Snapshot a shard after this many KiB of log.")
    var snapshotEveryKib: Int = 384

    @Option(help: "Stop by itself after this many seconds (if nobody kills it).")
    var seconds: Double = 60

    func validate() throws {
        guard firstID >= 0, clients >= 1, batch >= 1, segmentKib >= 128, snapshotEveryKib >= 1 else {
            throw ValidationError("ids, clients, batch and sizes must be positive; segments at least 128 KiB")
        }
    }

    /// Operation `id`: even ids reserve one or two lines (every third of them
    /// two), odd ids add one unit to the counter under request key `adj-<id>`.
    static func command(for id: Int) -> Command {
        if id % 2 == 1 {
            return .adjustStock(
                AdjustStock(store: counterStore, sku: counterSKU, delta: 1, reason: "crash-test", requestKey: "adj-\(id)"))
        }
        let store = "store-\(id % stores)"
        var lines = [LineRequest(sku: "sku-\(id % skus)", quantity: 1)]
        if id % 3 == 0 { lines.append(LineRequest(sku: "sku-\((id + 1) % skus)", quantity: 1)) }
        return .reserve(Reserve(store: store, reservationID: "k-\(id)", lines: lines, ttlSeconds: Limits.reservationTTLMaxSeconds))
    }

    func run() async throws {
        var options = DurableNode.Options()
        options.journal.segmentBytes = segmentKib << 10
        options.journal.frameBytesMax = max(64 << 10, min(options.journal.frameBytesMax, (segmentKib << 10) / 4))
        options.snapshotEveryLogBytes = snapshotEveryKib << 10
        options.snapshotIntervalSeconds = 0
        let node = try DurableNode(path: dataDir, shardCount: shards, options: options)
        var setup: [Command] = []
        for store in 0..<Self.stores {
            for sku in 0..<Self.skus {
                let existing = await node.runtime.execute(.getStock(StockQuery(store: "store-\(store)", sku: "sku-\(sku)")))
                if case .success = existing { continue }
                setup.append(.setStock(SetStock(store: "store-\(store)", sku: "sku-\(sku)", onHand: 1_000_000_000)))
            }
        }
        let counter = await node.runtime.execute(.getStock(StockQuery(store: Self.counterStore, sku: Self.counterSKU)))
        if case .failure = counter { setup.append(.setStock(SetStock(store: Self.counterStore, sku: Self.counterSKU, onHand: 0))) }
        for outcome in await node.runtime.execute(batch: setup) {
            if case .failure(let error) = outcome { throw ValidationError("setup failed: \(error)") }
        }
        let output = LineWriter()
        output.write(["READY"])

        let deadline = Date(timeIntervalSinceNow: seconds)
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var next = firstID + client
                    while Date() < deadline {
                        var ids: [Int] = []
                        for _ in 0..<batch {
                            ids.append(next)
                            next += clients
                        }
                        output.write(["SENT \(ids.last!)"])
                        let outcomes = await node.runtime.execute(batch: ids.map(Self.command(for:)))
                        var acknowledged: [String] = []
                        for (id, outcome) in zip(ids, outcomes) {
                            if case .success = outcome { acknowledged.append("ACK \(id)") }
                        }
                        output.write(acknowledged)
                    }
                }
            }
        }
        node.shutdown()
    }
}

/// Writes whole lines to standard output with one unbuffered write each call.
private final class LineWriter: @unchecked Sendable {
    private let lock = NSLock()

    func write(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n") + "\n"
        lock.withLock { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
