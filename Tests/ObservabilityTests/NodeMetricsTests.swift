import Foundation
import Persistence
import Testing

@testable import Engine
@testable import Observability

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String) {
        path = NSTemporaryDirectory() + "holdfast-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let store = "s1"

func reserve(_ id: String, _ quantity: Int64 = 1, sku: String = "sku1", ttlSeconds: Int64 = 900) -> Command {
    .reserve(
        Reserve(
            store: store, reservationID: id, lines: [LineRequest(sku: sku, quantity: quantity)], ttlSeconds: ttlSeconds)
    )
}

func confirm(_ id: String) -> Command {
    .confirmReservation(
        ConfirmReservation(
            store: store, reservationID: id,
            terms: OrderTerms(
                orderID: "o-" + id, customerID: "c1", currency: "EUR",
                prices: [UnitPrice(sku: "sku1", unitPriceMinor: 100)])))
}

/// Active reservations counted the long way, from every slot of the state.
func fullActiveCount(_ runtime: ShardRuntime, shard: Int = 0) async -> Int? {
    await runtime.inspect(shard: shard) { machine in
        machine.reservations.slots.records.filter { $0.status == .active }.count
    }
}

@Suite struct NodeMetricsTests {
    @Test func runtimeCountsCommandsReservationsAndRefusals() async throws {
        let runtime = ShardRuntime(shardCount: 1)
        defer { runtime.shutdown() }
        let metrics = try NodeMetrics(runtime: runtime)

        _ = try await runtime.execute(.setStock(SetStock(store: store, sku: "sku1", onHand: 3))).get()
        for id in ["r1", "r2", "r3"] { _ = try await runtime.execute(reserve(id)).get() }
        let refused = await runtime.execute(reserve("r4"))
        guard case .failure(.insufficientStock) = refused else {
            Issue.record("expected INSUFFICIENT_STOCK, got \(refused)")
            return
        }
        _ = await runtime.execute(.getStock(StockQuery(store: store, sku: "sku1")))

        let parsed = try PrometheusText(metrics.render())
        #expect(parsed.value("holdfast_commands_total", ["shard": "0", "operation": "reserve", "result": "ok"]) == 3)
        #expect(
            parsed.value(
                "holdfast_commands_total", ["shard": "0", "operation": "reserve", "result": "INSUFFICIENT_STOCK"])
                == 1)
        #expect(parsed.value("holdfast_commands_total", ["shard": "0", "operation": "set_stock", "result": "ok"]) == 1)
        #expect(parsed.value("holdfast_commands_total", ["shard": "0", "operation": "get_stock", "result": "ok"]) == 1)
        #expect(parsed.families["holdfast_commands_total"]?.samples.count == 4, "only non-zero cells are rendered")
        #expect(parsed.value("holdfast_active_reservations", ["shard": "0"]) == 3)
        #expect(parsed.value("holdfast_stock_refusals_total", ["shard": "0"]) == 1)
        #expect(parsed.value("holdfast_shard_writes_halted", ["shard": "0"]) == 0)
        #expect(parsed.value("holdfast_shard_queue_depth", ["shard": "0"]) == 0)
        #expect(parsed.value("holdfast_shard_queue_refusals_total", ["shard": "0", "reason": "busy"]) == 0)
        #expect(parsed.value("holdfast_shard_reads_without_queue_total", ["shard": "0"]) == 0, "execute always queues")
        let batches = try #require(parsed.value("holdfast_shard_batch_size_count", ["shard": "0"]))
        #expect(batches >= 6 && parsed.value("holdfast_shard_batch_size_sum", ["shard": "0"]) ?? 0 >= 6)
        #expect(parsed.value("holdfast_shard_batch_durable_seconds_count", ["shard": "0"]) ?? 0 >= 4)
        #expect(parsed.families["holdfast_journal_sync_seconds"] == nil, "no journal without a durable node")

        _ = try await runtime.execute(.releaseReservation(ReservationReference(store: store, reservationID: "r1")))
            .get()
        _ = try await runtime.execute(confirm("r2")).get()
        let after = try PrometheusText(metrics.render())
        #expect(after.value("holdfast_active_reservations", ["shard": "0"]) == 1)
        #expect(
            after.value(
                "holdfast_commands_total", ["shard": "0", "operation": "release_reservation", "result": "ok"]) == 1)
        #expect(
            after.value("holdfast_commands_total", ["shard": "0", "operation": "confirm_reservation", "result": "ok"])
                == 1)
    }

    @Test func everyOutcomeColumnHasItsErrorsName() {
        #expect(CommandOutcomeIndex.outcomeName(column: 0) == "ok")
        var names: Set<String> = ["ok"]
        for column in 1..<CommandOutcomeIndex.outcomeCount {
            let error = CommandOutcomeIndex.sampleErrors[column]!
            #expect(CommandOutcomeIndex.errorColumn(error) == column)
            #expect(CommandOutcomeIndex.outcomeColumn(.failure(error)) == column)
            names.insert(CommandOutcomeIndex.outcomeName(column: column))
        }
        #expect(names.count == CommandOutcomeIndex.outcomeCount, "names are distinct")
        #expect(
            CommandOutcomeIndex.outcomeName(column: CommandOutcomeIndex.insufficientStockColumn) == "INSUFFICIENT_STOCK"
        )
        #expect(CommandOutcomeIndex.operationName(.setLocationPriority) == "set_location_priority")
        #expect(CommandOutcomeIndex.operationName(.reserve) == "reserve")
    }

    /// The published count against a full count of the state, after every step
    /// of a random mix of reserves, releases, confirms and expiries.
    @Test func activeReservationCountStaysExact() async throws {
        let seed = UInt64.random(in: 0...UInt64(UInt32.max))
        print("activeReservationCountStaysExact seed \(seed)")
        var random = SplitMix64(seed: seed)
        let clock = ManualBatchClock()
        let runtime = ShardRuntime(shardCount: 1, clock: clock)
        defer { runtime.shutdown() }
        _ = await runtime.execute(.setStock(SetStock(store: store, sku: "sku1", onHand: 1_000)))
        var ids: [String] = []
        for step in 0..<300 {
            switch random.next() % 10 {
            case 0..<5:
                let id = "r\(step)"
                ids.append(id)
                _ = await runtime.execute(
                    reserve(id, Int64(random.next() % 3 + 1), ttlSeconds: Int64(random.next() % 5 + 1)))
            case 5..<7 where !ids.isEmpty:
                let id = ids[Int(random.next() % UInt64(ids.count))]
                _ = await runtime.execute(.releaseReservation(ReservationReference(store: store, reservationID: id)))
            case 7 where !ids.isEmpty:
                _ = await runtime.execute(confirm(ids[Int(random.next() % UInt64(ids.count))]))
            default:
                clock.advance(seconds: 1)
            }
            let full = try #require(await fullActiveCount(runtime))
            _ = await runtime.execute(.getStock(StockQuery(store: store, sku: "sku1")))  // a batch after the count
            #expect(runtime.metrics(shard: 0)!.activeReservations == full, "step \(step), seed \(seed)")
        }
    }
}

@Suite struct DurableNodeMetricsTests {
    func options() -> DurableNode.Options {
        var options = DurableNode.Options()
        options.journal = JournalOptions(durability: .strict, segmentBytes: 256 << 10, frameBytesMax: 64 << 10)
        options.snapshotIntervalSeconds = 0
        options.snapshotEveryLogBytes = Int.max
        return options
    }

    @Test func journalAndSnapshotFamilies() async throws {
        let directory = TemporaryDirectory("obs-node")
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options())
        defer { node.shutdown() }
        let now = SettableClock(node.openedAtNanoseconds + 7_000_000_000)
        let metrics = try NodeMetrics(runtime: node.runtime, node: node, wallClockNanoseconds: { now.value })

        _ = try await node.runtime.execute(.setStock(SetStock(store: store, sku: "sku1", onHand: 10))).get()
        for id in ["r1", "r2"] { _ = try await node.runtime.execute(reserve(id)).get() }

        let before = try PrometheusText(metrics.render())
        #expect(before.value("holdfast_journal_sync_seconds_count", ["shard": "0"]) ?? 0 > 0)
        #expect(before.value("holdfast_journal_bytes_total", ["shard": "0"]) ?? 0 >= 4096)
        #expect(before.value("holdfast_journal_records_total", ["shard": "0"]) ?? 0 >= 3)
        #expect(before.value("holdfast_journal_frames_total", ["shard": "0"]) ?? 0 >= 1)
        #expect(before.value("holdfast_journal_failures_total", ["shard": "0"]) == 0)
        #expect(before.families["holdfast_journal_unsynced_write_seconds"] == nil, "relaxed durability only")
        #expect(
            before.value("holdfast_snapshot_age_seconds", ["shard": "0"]) == 7, "no snapshot yet: since the node opened"
        )
        #expect(before.value("holdfast_snapshots_total", ["shard": "0"]) == 0)
        #expect(before.value("holdfast_active_reservations", ["shard": "0"]) == 2)

        let info = try await node.snapshot(shard: 0)
        now.value = info.createdAt + 2_500_000_000
        let after = try PrometheusText(metrics.render())
        #expect(after.value("holdfast_snapshots_total", ["shard": "0"]) == 1)
        #expect(after.value("holdfast_snapshot_duration_seconds_count", ["shard": "0"]) == 1)
        #expect(after.value("holdfast_snapshot_age_seconds", ["shard": "0"]) == 2.5)
    }

    /// After a restart (snapshot, then log replay) the count starts from the recovered state.
    @Test func activeReservationsSurviveRecovery() async throws {
        let directory = TemporaryDirectory("obs-recovery")
        do {
            let node = try DurableNode(path: directory.path, shardCount: 1, options: options())
            _ = try await node.runtime.execute(.setStock(SetStock(store: store, sku: "sku1", onHand: 10))).get()
            for id in ["r1", "r2", "r3"] { _ = try await node.runtime.execute(reserve(id)).get() }
            _ = try await node.snapshot(shard: 0)
            for id in ["r4", "r5"] { _ = try await node.runtime.execute(reserve(id)).get() }
            _ = try await node.runtime.execute(
                .releaseReservation(ReservationReference(store: store, reservationID: "r1"))
            ).get()
            node.shutdown()
        }
        let reopened = try DurableNode(path: directory.path, options: options())
        defer { reopened.shutdown() }
        let metrics = try NodeMetrics(node: reopened)
        let full = try #require(await fullActiveCount(reopened.runtime))
        #expect(full == 4)
        #expect(reopened.runtime.metrics(shard: 0)?.activeReservations == full)
        let parsed = try PrometheusText(metrics.render())
        #expect(parsed.value("holdfast_active_reservations", ["shard": "0"]) == 4)
        let age = try #require(parsed.value("holdfast_snapshot_age_seconds", ["shard": "0"]))
        #expect(age >= 0 && age < 600, "age of the snapshot recovery found")
    }
}

/// A settable clock value shared with a `@Sendable` closure.
final class SettableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int64
    init(_ value: Int64) { stored = value }
    var value: Int64 {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
