import Engine
import EngineWorkloads
import Foundation

/// Steady client load on a runtime: `clients` concurrent tasks, each in a loop
/// submitting a batch of `batchSize` single-line reserves (1 unit of a random
/// SKU) with `execute(batch:)`, then a batch releasing those reservations.
///
/// Commands are prebuilt, so clients spend little CPU (the machine has two
/// cores). A client's reservation ids come round again after
/// `idsPerClient` reserves; run it on a node whose `reservationsPerShardMax`
/// (`Self.limits`) is at most that, so by then the earlier reservation of that
/// id has been evicted and every reserve creates a new one (and is logged).
struct ReservationLoad: Sendable {
    /// Finished reservations kept for retries; a reserve past it evicts the oldest.
    static let reservationsRetained = 16_384
    static let limits = Limits(reservationsPerShardMax: reservationsRetained)

    let clients: Int
    let batchSize: Int
    /// `reserveBatches[client][k]` and the `releaseBatches[client][k]` that undoes it.
    private let reserveBatches: [[[Command]]]
    private let releaseBatches: [[[Command]]]
    /// Where each client goes on from, so a later `run` does not start over with
    /// ids whose finished reservations may still be retained (a retained one
    /// answers a reserve as a replay, then may be evicted before its release).
    private let rounds: ClientRounds

    struct BatchSample: Sendable {
        /// When the batch's outcomes arrived, ns on `Stopwatch`.
        var endNanoseconds: Int64
        var latencyNanoseconds: Int64
    }

    struct Result: Sendable {
        var samples: [BatchSample] = []
        var succeeded = 0
        var failed = 0
        /// The first few failures, for the message.
        var failureExamples: [String] = []
    }

    init(catalog: Catalog, clients: Int = 8, batchSize: Int = 128, seed: UInt64 = 0x5EED) {
        let idsPerClient = 2 * Self.reservationsRetained
        precondition(idsPerClient % batchSize == 0)
        self.clients = clients
        self.batchSize = batchSize
        var generator = SeededGenerator(seed: seed)
        var reserves: [[[Command]]] = []
        var releases: [[[Command]]] = []
        for client in 0..<clients {
            let ids = (0..<idsPerClient).map { "c\(client)-\($0)" }
            let batches = stride(from: 0, to: idsPerClient, by: batchSize).map { ids[$0..<$0 + batchSize] }
            reserves.append(
                batches.map { batch in
                    batch.map { id in
                        let sku = Catalog.skuName(Int.random(in: 0..<catalog.skuCount, using: &generator))
                        return .reserve(
                            Reserve(
                                store: Catalog.store, reservationID: id, lines: [LineRequest(sku: sku, quantity: 1)]))
                    }
                })
            releases.append(
                batches.map { batch in
                    batch.map { .releaseReservation(ReservationReference(store: Catalog.store, reservationID: $0)) }
                })
        }
        reserveBatches = reserves
        releaseBatches = releases
        rounds = ClientRounds(clients: clients)
    }

    /// Runs every client until `deadlineNanoseconds` (on `Stopwatch`); the last
    /// batches may end a little after it.
    func run(on runtime: ShardRuntime, until deadlineNanoseconds: Int64) async -> Result {
        await withTaskGroup(of: Result.self) { group in
            for client in 0..<clients {
                group.addTask { await runClient(client, on: runtime, until: deadlineNanoseconds) }
            }
            return await group.reduce(into: Result()) { total, part in
                total.samples += part.samples
                total.succeeded += part.succeeded
                total.failed += part.failed
                total.failureExamples += part.failureExamples
            }
        }
    }

    private func runClient(_ client: Int, on runtime: ShardRuntime, until deadline: Int64) async -> Result {
        var result = Result()
        var round = rounds[client]
        defer { rounds[client] = round }
        while Stopwatch.nanoseconds() < deadline {
            let index = round % reserveBatches[client].count
            for batch in [reserveBatches[client][index], releaseBatches[client][index]] {
                let started = Stopwatch.nanoseconds()
                let outcomes = await runtime.execute(batch: batch)
                let ended = Stopwatch.nanoseconds()
                result.samples.append(BatchSample(endNanoseconds: ended, latencyNanoseconds: ended - started))
                let failures = outcomes.failureDescriptions
                result.succeeded += outcomes.count - failures.count
                result.failed += failures.count
                if result.failureExamples.count < 3 { result.failureExamples += failures.prefix(3) }
            }
            round += 1
        }
        return result
    }
}

/// The next round of each client, kept between runs.
private final class ClientRounds: @unchecked Sendable {
    private let lock = NSLock()
    private var rounds: [Int]

    init(clients: Int) { rounds = Array(repeating: 0, count: clients) }

    subscript(client: Int) -> Int {
        get { lock.withLock { rounds[client] } }
        set { lock.withLock { rounds[client] = newValue } }
    }
}
