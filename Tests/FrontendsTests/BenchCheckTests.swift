import Engine
import Foundation
import Testing
import Wire

@testable import holdfast

/// The oversell proof, the funnel's bookkeeping and the report's shape.
@Suite struct BenchCheckTests {
    private func observation(_ index: Int, onHand: Int64, reserved: Int64, committed: Int64 = 0) -> OversellCheck.Observation {
        OversellCheck.Observation(
            skuIndex: index, sku: "sku-\(index)", levels: StockLevels(onHand: onHand, reserved: reserved, committed: committed))
    }

    @Test("Stock that agrees with the client's ledger passes, fulfilled units included")
    func consistentStockPasses() {
        let ledger = StockLedger(skuCount: 3)
        ledger.granted(0, units: 10)
        ledger.granted(1, units: 4)
        ledger.returned(1, units: 1)
        let check = OversellCheck(
            observations: [observation(0, onHand: 10, reserved: 10), observation(1, onHand: 8, reserved: 1, committed: 0)],
            initialOnHand: 10, ledger: ledger, expectedSKUs: 2)
        // SKU 1: 2 units fulfilled (on hand 10 → 8) + 1 reserved = the 3 the client holds.
        #expect(check.passed, "\(check.violations)")
        #expect(check.clientGrantedUnits == 13 && check.serverConsumedUnits == 13 && check.serverFulfilledUnits == 2)
        #expect(check.summary.hasSuffix("PASS"))
    }

    @Test("A crafted oversell fails: more reserved than on hand, even when the client saw it granted")
    func oversellFails() {
        let ledger = StockLedger(skuCount: 1)
        ledger.granted(0, units: 11)
        let check = OversellCheck(
            observations: [observation(0, onHand: 10, reserved: 11)], initialOnHand: 10, ledger: ledger, expectedSKUs: 1)
        #expect(!check.passed)
        #expect(check.oversoldUnitsMax == 1)
        #expect(check.violations.contains { $0.contains("reserved 11 + committed 0 > on hand 10") })
        #expect(check.violations.contains { $0.contains("available -1") })
        #expect(check.summary.contains("FAIL"))
    }

    @Test("Server and client disagreeing fails; lost replies widen what is accepted")
    func ledgerMismatch() {
        let ledger = StockLedger(skuCount: 1)
        ledger.granted(0, units: 5)
        let short = OversellCheck(
            observations: [observation(0, onHand: 10, reserved: 6)], initialOnHand: 10, ledger: ledger, expectedSKUs: 1)
        #expect(!short.passed)
        #expect(short.violations.first?.contains("the client saw 5 granted") == true)
        ledger.maybeGranted(0, units: 2)
        let uncertain = OversellCheck(
            observations: [observation(0, onHand: 10, reserved: 6)], initialOnHand: 10, ledger: ledger, expectedSKUs: 1)
        #expect(uncertain.passed && uncertain.clientUncertainUnits == 2)
        let onHandGrew = OversellCheck(
            observations: [observation(0, onHand: 12, reserved: 5)], initialOnHand: 10, ledger: ledger, expectedSKUs: 1)
        #expect(!onHandGrew.passed)
        let missing = OversellCheck(
            observations: [observation(0, onHand: 10, reserved: 5)], initialOnHand: 10, ledger: ledger, expectedSKUs: 2)
        #expect(!missing.passed)
        #expect(!OversellCheck().passed)
    }

    @Test("Funnel customers move stage by stage; the ledger follows checkouts, reservations, releases and cancels")
    func funnelFlow() throws {
        var configuration = BenchConfiguration()
        configuration.workload = .funnel
        configuration.framesInFlight = 2
        configuration.batchSize = 4
        configuration.abandonProbability = 0
        configuration.cancelProbability = 0
        let catalog = SKUCatalog(count: 10, initialOnHand: 100)
        let ledger = StockLedger(skuCount: 10)
        let requests = FunnelRequests(store: "s", catalog: catalog, ttlSeconds: 600, connectionTag: "0-")
        let source = FunnelSource(
            requests: requests, sampler: .uniform(count: 10), ledger: ledger, configuration: configuration, seed: 3)
        var seen: [FunnelStage: Int] = [:]
        // Answer every frame with success until every customer has been fulfilled.
        for _ in 0..<60 {
            guard let operation = source.prepareFrame(slot: 0, batchSize: 4) else { break }
            let stage = FunnelStage.allCases.first { $0.operation == operation }!
            seen[stage, default: 0] += source.operationCount(slot: 0)
            let commands = try BenchTestFrames.commands(written: { source.writeItems(slot: 0, into: &$0) }, tag: stage.tag)
            #expect(commands.count == source.operationCount(slot: 0))
            let reply = try BenchTestFrames.reply(
                operation: operation, outcomes: commands.map { _ in .success(.locationPriority([])) })
            source.handleReply(try ReplyItems(reply), slot: 0, measured: true)
        }
        #expect(seen[.reserve, default: 0] > 0 && seen[.checkoutCart, default: 0] > 0)
        #expect(seen[.fulfillOrder, default: 0] > 0 && seen[.addCartItem, default: 0] >= seen[.checkoutCart, default: 0])
        #expect(seen[.releaseReservation] == nil && seen[.cancelOrder] == nil && seen[.clearCart] == nil)
        // Every unit granted stays consumed (reserved, committed or fulfilled): nothing was given back.
        #expect(ledger.lowerUnits == ledger.upperUnits)
        #expect(ledger.lowerUnits.reduce(0, +) > 0)
        #expect(source.tally.ok == seen.values.reduce(0, +))
        #expect(source.customerCounts.fulfilled > 0 && source.customerCounts.failed == 0)
    }

    @Test("Refused and lost funnel requests end customers; releases give stock back; busy is retried")
    func funnelRefusals() throws {
        var configuration = BenchConfiguration()
        configuration.framesInFlight = 1
        configuration.abandonProbability = 1
        let catalog = SKUCatalog(count: 5, initialOnHand: 100)
        let ledger = StockLedger(skuCount: 5)
        let source = FunnelSource(
            requests: FunnelRequests(store: "s", catalog: catalog, ttlSeconds: 600, connectionTag: "0-"),
            sampler: .uniform(count: 5), ledger: ledger, configuration: configuration, seed: 9)
        // Start reservation customers until a frame of reserves comes up.
        var operation = source.prepareFrame(slot: 0, batchSize: 2)
        while operation != FunnelStage.reserve.operation {
            let count = source.operationCount(slot: 0)
            let reply = try BenchTestFrames.reply(operation: operation!, outcomes: Array(repeating: .failure(.unknownCart(id: "x")), count: count))
            source.handleReply(try ReplyItems(reply), slot: 0, measured: false)
            operation = source.prepareFrame(slot: 0, batchSize: 2)
        }
        let busy = try BenchTestFrames.reply(operation: operation!, outcomes: [.success(.locationPriority([])), .failure(.busy)])
        source.handleReply(try ReplyItems(busy), slot: 0, measured: true)
        let granted = ledger.lowerUnits.reduce(0, +)
        #expect(granted >= 1 && granted == ledger.upperUnits.reduce(0, +))
        #expect(source.activeReservations().sequences.count == 1)
        // The busy customer reserves again (answered: lost); the granted one (abandon = 1) releases.
        var released = false
        var retried = false
        for _ in 0..<40 where !(released && retried) {
            guard let next = source.prepareFrame(slot: 0, batchSize: 2) else { break }
            let count = source.operationCount(slot: 0)
            if next == FunnelStage.reserve.operation {
                retried = true
                source.handleLostFrame(slot: 0, failureName: TransportFailure.lost, measured: true)
                continue
            }
            released = released || next == FunnelStage.releaseReservation.operation
            let reply = try BenchTestFrames.reply(
                operation: next, outcomes: Array(repeating: .success(.locationPriority([])), count: count))
            source.handleReply(try ReplyItems(reply), slot: 0, measured: true)
        }
        #expect(released && retried)
        #expect(ledger.lowerUnits.reduce(0, +) == 0, "the release gave back what was granted")
        #expect(ledger.upperUnits.reduce(0, +) > 0, "the lost reserve may have taken stock")
        #expect(source.customerCounts.abandoned >= 1 && source.customerCounts.failed >= 1)
        #expect(source.tally.otherErrors[TransportFailure.lost, default: 0] >= 1 && source.tally.busy == 1)
    }

    @Test("A frame-level error reply is read as a refusal of the whole frame")
    func frameLevelError() throws {
        let reply = try BenchTestFrames.errorReply(
            .protocolViolation(.malformedRequest, "bad item"), operation: WireOperation(command: .reserve))
        #expect(throws: WireError.self) { try ReplyItems(reply) }
    }

    @Test("The JSON report has the fields plots read")
    func reportShape() throws {
        var report = BenchReport(
            workload: "hot", store: "bench-1", seed: 5,
            server: .init(
                endpoint: "127.0.0.1:7420", name: "holdfast", protocolVersion: 1, shardCount: 1, frameBytesMax: 1 << 22,
                itemsPerFrameMax: 8_192, inFlightPerConnectionMax: 65_536),
            load: .init(
                mode: "open", connections: 2, framesInFlight: 8, batchSize: 1, threads: 1, targetOperationsPerSecond: 1_000,
                warmupSeconds: 1, durationSeconds: 10),
            catalog: .init(skus: 1, stockPerSKU: 100, zipfExponent: nil, setupSeconds: 0.1))
        var latency = LatencyHistogram()
        latency.record(250_000, count: 99)
        latency.record(9_000_000, count: 1)
        report.latencyMicroseconds = latency.summary
        report.latencyDistribution = latency.distribution
        report.outcomes.ok = 100
        report.openLoop = .init(targetOperationsPerSecond: 1_000, achievedOperationsPerSecond: 990, shortfallPercent: 1, missedOperations: 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        for key in ["workload", "store", "seed", "server", "load", "catalog", "operationsPerSecond", "grantsPerSecond",
            "outcomes", "latencyMicroseconds", "latencyDistribution", "openLoop", "check"]
        {
            #expect(json[key] != nil, "missing \(key)")
        }
        let percentiles = try #require(json["latencyMicroseconds"] as? [String: Double])
        #expect(Set(percentiles.keys) == ["p50", "p90", "p99", "p999", "max", "mean"])
        #expect(abs(percentiles["p50"]! - 250) < 1 && abs(percentiles["max"]! - 9_000) < 10)
        #expect((json["check"] as? [String: Any])?["passed"] as? Bool == false)
        let decoded = try JSONDecoder().decode(BenchReport.self, from: Data(report.json().utf8))
        #expect(decoded == report)
        #expect(report.table().contains("result: FAIL"), "a report without a check does not pass")
        #expect(report.table().contains("open loop: target 1,000 ops/s"))
    }
}
