import Engine
import HoldfastClient
import NIOCore
import Wire

/// The warm-up and measured phases: one driver per connection, one ledger per
/// event loop (shared by that loop's drivers), all started at the same time.
struct BenchMeasurement {
    let configuration: BenchConfiguration
    let catalog: SKUCatalog

    /// What the phases left: drivers to read results from and the merged ledger.
    struct Outcome {
        var drivers: [BenchDriver]
        var ledger: StockLedger
        var timing: BenchTiming
        var configuration: BenchConfiguration

        var activeReservations: [ReservationList] { drivers.map { $0.source.activeReservations() } }
    }

    func run(on connections: [WireConnection]) async throws -> Outcome {
        let timing = BenchTiming(
            now: BenchClock.nanoseconds(), warmupSeconds: configuration.warmupSeconds,
            durationSeconds: configuration.durationSeconds, drainTimeoutSeconds: configuration.drainTimeoutSeconds)
        var ledgers: [ObjectIdentifier: StockLedger] = [:]
        var drivers: [BenchDriver] = []
        let encoder = ReservationEncoder(store: configuration.store, catalog: catalog, ttlSeconds: configuration.reservationTTLSeconds)
        let sampler = SKUSampler.forWorkload(configuration)
        for (index, connection) in connections.enumerated() {
            let loop = ObjectIdentifier(connection.eventLoop)
            let ledger = ledgers[loop] ?? StockLedger(skuCount: catalog.count)
            ledgers[loop] = ledger
            let seed = configuration.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            let source = makeSource(index: index, encoder: encoder, sampler: sampler, ledger: ledger, seed: seed)
            let pacer = configuration.targetRate.map { rate in
                OpenLoopPacer(
                    rate: rate, batchSize: configuration.batchSize, connections: connections.count, index: index,
                    startNanoseconds: timing.startNanoseconds)
            }
            drivers.append(
                BenchDriver(
                    connection: connection, source: source, timing: timing, framesInFlight: configuration.framesInFlight,
                    batchSize: configuration.batchSize, openLoop: pacer))
        }
        let futures = drivers.map { $0.start() }
        for future in futures { try await future.get() }
        let merged = StockLedger(skuCount: catalog.count)
        for ledger in ledgers.values { merged.merge(ledger) }
        return Outcome(drivers: drivers, ledger: merged, timing: timing, configuration: configuration)
    }

    private func makeSource(
        index: Int, encoder: ReservationEncoder, sampler: SKUSampler, ledger: StockLedger, seed: UInt64
    ) -> any BenchFrameSource {
        if configuration.workload == .funnel {
            let requests = FunnelRequests(
                store: configuration.store, catalog: catalog, ttlSeconds: configuration.reservationTTLSeconds,
                connectionTag: "\(index)-")
            return FunnelSource(requests: requests, sampler: sampler, ledger: ledger, configuration: configuration, seed: seed)
        }
        return ReservationSource(
            encoder: encoder, sampler: sampler, ledger: ledger, linesPerReservation: configuration.linesPerReservation,
            idPrefix: "r\(index)-", seed: seed, slots: configuration.framesInFlight, batchSize: configuration.batchSize)
    }
}

extension BenchMeasurement.Outcome {
    /// Writes throughput, outcomes, latency and (open loop, funnel) their extras into `report`.
    func fill(_ report: inout BenchReport) {
        var latency = LatencyHistogram()
        var outcomes = OutcomeTally()
        var lastReply = timing.measureEndNanoseconds
        for driver in drivers {
            latency.merge(driver.latency)
            outcomes.merge(driver.source.tally)
            report.operations += driver.measuredOperations
            report.grants += driver.source.measuredGrants
            lastReply = max(lastReply, driver.lastMeasuredReplyNanoseconds)
        }
        let seconds = Double(lastReply - timing.measureStartNanoseconds) / 1e9
        report.measuredSeconds = seconds
        report.operationsPerSecond = Double(report.operations) / seconds
        report.grantsPerSecond = Double(report.grants) / seconds
        report.outcomes = outcomes
        report.latencyMicroseconds = latency.summary
        report.latencyDistribution = latency.distribution
        if let target = configuration.targetRate {
            let achieved = Double(report.operations) / configuration.durationSeconds
            report.openLoop = BenchReport.OpenLoop(
                targetOperationsPerSecond: target, achievedOperationsPerSecond: achieved,
                shortfallPercent: max(0, (target - achieved) / target * 100),
                missedOperations: drivers.map(\.missedOperations).reduce(0, +))
        }
        let funnels = drivers.compactMap { $0.source as? FunnelSource }
        if !funnels.isEmpty { report.funnel = Self.funnelReport(funnels) }
    }

    private static func funnelReport(_ sources: [FunnelSource]) -> BenchReport.Funnel {
        var customers = FunnelCustomerCounts()
        var stages: [String: OutcomeTally] = [:]
        for source in sources {
            customers.started += source.customerCounts.started
            customers.fulfilled += source.customerCounts.fulfilled
            customers.cancelled += source.customerCounts.cancelled
            customers.abandoned += source.customerCounts.abandoned
            customers.refusedForStock += source.customerCounts.refusedForStock
            customers.failed += source.customerCounts.failed
            for stage in FunnelStage.allCases {
                stages[stage.name, default: OutcomeTally()].merge(source.stageTallies[stage.rawValue])
            }
        }
        return BenchReport.Funnel(customers: customers, stages: stages)
    }
}
