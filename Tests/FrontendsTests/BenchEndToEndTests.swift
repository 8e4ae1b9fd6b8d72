import Engine
import HoldfastClient
import Testing
import Wire
import WireServer

@testable import holdfast

/// `holdfast bench` against an in-process server: short runs, small catalogs,
/// and the checks a real run makes. No timing is asserted.
@Suite(.serialized) struct BenchEndToEndTests {
    /// Runs `configuration` against a fresh in-memory server; returns the report and the runtime to inspect.
    private func run(_ configuration: BenchConfiguration, limits: Limits = .standard) async throws -> (
        BenchReport, ShardRuntime
    ) {
        let runtime = ShardRuntime(shardCount: 1, limits: limits)
        var serverConfiguration = WireServerConfiguration()
        serverConfiguration.port = 0
        // The bench's connects and hellos can be seconds apart on a loaded machine.
        serverConfiguration.handshakeTimeoutSeconds = 300
        let server = WireServer(runtime: runtime, configuration: serverConfiguration)
        try await server.start()
        let port = try #require(server.boundTCPPort)
        let runner = BenchRunner(configuration: configuration, endpoint: .tcp(host: "127.0.0.1", port: port))
        do {
            let report = try await runner.run()
            await server.shutdown()
            return (report, runtime)
        } catch {
            await server.shutdown()
            runtime.shutdown()
            throw error
        }
    }

    private func configuration(_ workload: BenchConfiguration.Workload) -> BenchConfiguration {
        var configuration = BenchConfiguration()
        configuration.workload = workload
        configuration.store = BenchCommand.freshStoreName()
        configuration.seed = UInt64.random(in: 1...UInt64(UInt32.max))
        print("\(workload) seed \(configuration.seed)")
        configuration.connections = 2
        configuration.framesInFlight = 4
        configuration.batchSize = 16
        configuration.warmupSeconds = 0.2
        configuration.durationSeconds = 0.8
        return configuration
    }

    @Test("hot: the flash sale never oversells, the client's count matches the server's, and the holds are released")
    func hotSale() async throws {
        var configuration = configuration(.hot)
        configuration.stockPerSKU = 3_000
        let (report, runtime) = try await run(configuration)
        defer { runtime.shutdown() }
        #expect(report.check.passed, "\(report.check.violations)")
        #expect(report.check.skusChecked == 1)
        #expect(report.check.clientUncertainUnits == 0)
        #expect(report.check.clientGrantedUnits == report.check.serverReservedUnits)
        #expect(report.check.serverReservedUnits <= 3_000 && report.check.serverCommittedUnits == 0)
        #expect(report.operations > 0 && report.outcomes.total == report.operations)
        #expect(report.grants == report.outcomes.ok && report.outcomes.otherErrorCount == 0)
        #expect(report.latencyMicroseconds.p50 > 0 && report.latencyMicroseconds.max >= report.latencyMicroseconds.p99)
        #expect(report.releasedReservations == Int(report.check.clientGrantedUnits))
        let after = await runtime.execute(.getStock(StockQuery(store: configuration.store, sku: SKUCatalog.hotSKUName)))
        guard case .success(.stock(let view)) = after else {
            Issue.record("reading the hot SKU failed: \(after)")
            return
        }
        #expect(view.totals.reserved == 0 && view.totals.onHand == 3_000)
        #expect(report.table().contains("result: PASS"))
    }

    @Test("funnel: customers move through every stage, counts add up, and the stock proof passes")
    func funnel() async throws {
        var configuration = configuration(.funnel)
        configuration.skuCount = 60
        configuration.stockPerSKU = 40
        configuration.batchSize = 8
        let (report, runtime) = try await run(configuration)
        defer { runtime.shutdown() }
        #expect(report.check.passed, "\(report.check.violations)")
        #expect(report.check.clientUncertainUnits == 0)
        let funnel = try #require(report.funnel)
        #expect(funnel.customers.started > 0 && funnel.customers.fulfilled > 0)
        #expect(funnel.customers.failed == 0, "\(report.outcomes.otherErrors)")
        for stage in [
            FunnelStage.configureCart, .addCartItem, .checkoutCart, .reserve, .confirmReservation, .payOrder,
            .fulfillOrder,
        ] {
            #expect(funnel.stages[stage.name, default: OutcomeTally()].ok > 0, "no \(stage.name) succeeded")
        }
        let stageTotal = funnel.stages.values.reduce(0) { $0 + $1.total }
        #expect(stageTotal == report.outcomes.total && report.outcomes.total == report.operations)
        #expect(report.grants == funnel.stages["reserve"]!.ok + funnel.stages["checkoutCart"]!.ok)
        #expect(report.check.serverFulfilledUnits > 0 && report.check.serverCommittedUnits >= 0)
    }

    @Test("open loop: operations are offered at the rate, latency is measured from when each was due")
    func openLoop() async throws {
        var configuration = configuration(.uniform)
        configuration.skuCount = 500
        configuration.stockPerSKU = 100
        configuration.batchSize = 1
        configuration.targetRate = 2_000
        let (report, runtime) = try await run(configuration)
        defer { runtime.shutdown() }
        #expect(report.check.passed, "\(report.check.violations)")
        let openLoop = try #require(report.openLoop)
        #expect(openLoop.targetOperationsPerSecond == 2_000)
        // 2,000 operations/s for 0.8 s are due, whether or not the server keeps up.
        #expect((1_595...1_605).contains(report.operations + openLoop.missedOperations))
        #expect(report.outcomes.total == report.operations)
    }

    @Test("A server that refuses work as busy: refusals are counted, nothing is oversold, every hold is released")
    func busyServer() async throws {
        var configuration = configuration(.hot)
        configuration.stockPerSKU = 5_000
        configuration.batchSize = 256
        configuration.framesInFlight = 8
        var limits = Limits.standard
        limits.shardQueueCapacity = 600
        let (report, runtime) = try await run(configuration, limits: limits)
        defer { runtime.shutdown() }
        #expect(report.check.passed, "\(report.check.violations)")
        #expect(report.outcomes.busy > 0, "2 × 8 frames of 256 against a queue of 600 must be refused in part")
        #expect(report.releasedReservations == Int(report.check.clientGrantedUnits))
        let after = await runtime.execute(.getStock(StockQuery(store: configuration.store, sku: SKUCatalog.hotSKUName)))
        guard case .success(.stock(let view)) = after else {
            Issue.record("reading the hot SKU failed: \(after)")
            return
        }
        #expect(view.totals.reserved == 0)
    }
}
