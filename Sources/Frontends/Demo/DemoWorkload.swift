import Engine
import Foundation

/// The demo workload behind `holdfast demo`: stock a catalog, sell one hot SKU
/// to more demand than stock, run a checkout funnel, then verify every shard.
struct DemoWorkload: Sendable {
    var shards: Int
    var stores: Int
    var skusPerStore: Int
    var flashStock: Int64
    var clients: Int
    var batchSize: Int
    var funnelSeconds: Double
    /// Prepended to store names, so that runs on the same data directory do
    /// not meet each other's stock and reservations.
    var storePrefix = ""

    static let unitsPerSKU: Int64 = 1_000
    static let flashSKU = "FLASH-1"

    func storeName(_ index: Int) -> String { "\(storePrefix)shop-\(index)" }

    var flashStore: String { storeName(0) }

    /// Runs on a fresh in-memory runtime (tests).
    func run(progress: (String) -> Void) async throws -> DemoReport {
        let runtime = ShardRuntime(shardCount: shards)
        defer { runtime.shutdown() }
        return try await run(on: runtime, durability: "none (in memory)", progress: progress)
    }

    func run(on runtime: ShardRuntime, durability: String, progress: (String) -> Void) async throws -> DemoReport {
        var report = DemoReport(shards: runtime.shardCount, clients: clients, batchSize: batchSize)
        report.durability = durability

        progress("stocking \(stores) stores × \(skusPerStore) SKUs on \(runtime.shardCount) shard(s)…")
        report.setup = try await stockCatalog(runtime)
        progress("flash sale: \(flashStock) units of \(Self.flashSKU), \(clients) clients asking for \(flashStock * 2)…")
        report.flashSale = try await flashSale(runtime)
        progress("checkout funnel for \(funnelSeconds) s…")
        report.funnel = await funnel(runtime)
        progress("checking invariants of every shard…")
        for shard in 0..<runtime.shardCount {
            let violations = await runtime.inspect(shard: shard) { $0.checkInvariants() } ?? ["shard \(shard) unreachable"]
            report.invariantViolations += violations
        }
        return report
    }

    private func stockCatalog(_ runtime: ShardRuntime) async throws -> PhaseReport {
        let started = ContinuousClock.now
        var commands: [Command] = []
        var count = 0
        for store in 0..<stores {
            for sku in 0..<skusPerStore {
                commands.append(.setStock(SetStock(store: storeName(store), sku: "SKU-\(sku)", onHand: Self.unitsPerSKU)))
                if commands.count == 4_096 {
                    count += try await expectAllSucceed(runtime, commands)
                    commands.removeAll(keepingCapacity: true)
                }
            }
        }
        commands.append(.setStock(SetStock(store: flashStore, sku: Self.flashSKU, onHand: flashStock)))
        count += try await expectAllSucceed(runtime, commands)
        return PhaseReport(operations: count, elapsed: ContinuousClock.now - started)
    }

    private func flashSale(_ runtime: ShardRuntime) async throws -> FlashSaleReport {
        let demand = flashStock * 2
        let perClient = Int((demand + Int64(clients) - 1) / Int64(clients))
        let started = ContinuousClock.now
        let tallies = await withTaskGroup(of: Tally.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var tally = Tally()
                    var next = 0
                    while next < perClient {
                        let end = min(next + batchSize, perClient)
                        let batch = (next..<end).map { request in
                            Command.reserve(
                                Reserve(
                                    store: flashStore, reservationID: "flash-\(client)-\(request)",
                                    lines: [LineRequest(sku: Self.flashSKU, quantity: 1)]))
                        }
                        tally.add(await runtime.execute(batch: batch))
                        next = end
                    }
                    return tally
                }
            }
            return await group.reduce(into: Tally()) { $0.merge($1) }
        }
        let elapsed = ContinuousClock.now - started
        let stock = await runtime.execute(.getStock(StockQuery(store: flashStore, sku: Self.flashSKU)))
        guard case .success(.stock(let view)) = stock else { throw DemoError("reading the hot SKU failed: \(stock)") }
        return FlashSaleReport(
            stock: flashStock, demand: Int64(perClient * clients), granted: Int64(tallies.succeeded),
            refusedForStock: Int64(tallies.insufficient), otherErrors: Int64(tallies.otherErrors),
            reservedAfter: view.totals.reserved, elapsed: elapsed)
    }

    private func funnel(_ runtime: ShardRuntime) async -> FunnelReport {
        let deadline = ContinuousClock.now + .milliseconds(Int(funnelSeconds * 1_000))
        let started = ContinuousClock.now
        let tallies = await withTaskGroup(of: FunnelTally.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var client = FunnelClient(index: client, workload: self)
                    // At least one round each, even when a loaded machine starts this task late.
                    repeat {
                        await client.runRound(runtime)
                    } while ContinuousClock.now < deadline
                    return client.tally
                }
            }
            return await group.reduce(into: FunnelTally()) { $0.merge($1) }
        }
        return FunnelReport(tally: tallies, elapsed: ContinuousClock.now - started)
    }

    private func expectAllSucceed(_ runtime: ShardRuntime, _ commands: [Command]) async throws -> Int {
        for outcome in await runtime.execute(batch: commands) {
            if case .failure(let error) = outcome { throw DemoError("setting up the catalog failed: \(error)") }
        }
        return commands.count
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Counts of outcomes by kind.
struct Tally: Sendable {
    var succeeded = 0
    var insufficient = 0
    var otherErrors = 0

    mutating func add(_ outcomes: [Outcome]) {
        for outcome in outcomes {
            switch outcome {
            case .success: succeeded += 1
            case .failure(.insufficientStock): insufficient += 1
            case .failure: otherErrors += 1
            }
        }
    }

    mutating func merge(_ other: Tally) {
        succeeded += other.succeeded
        insufficient += other.insufficient
        otherErrors += other.otherErrors
    }
}
