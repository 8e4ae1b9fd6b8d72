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
        /// CPU this process spent in the warm-up and measured phases (and their drain).
        var clientCPUSeconds: Double

        var activeReservations: [ReservationList] { drivers.map { $0.source.activeReservations() } }
    }

    func run(on connections: [WireConnection]) async throws -> Outcome {
        let timing = BenchTiming(
            now: BenchClock.nanoseconds(), warmupSeconds: configuration.warmupSeconds,
            durationSeconds: configuration.durationSeconds, drainTimeoutSeconds: configuration.drainTimeoutSeconds)
        var ledgers: [ObjectIdentifier: StockLedger] = [:]
        var drivers: [BenchDriver] = []
        let sampler = SKUSampler.forWorkload(configuration)
        for (index, connection) in connections.enumerated() {
            let loop = ObjectIdentifier(connection.eventLoop)
            let ledger = ledgers[loop] ?? StockLedger(skuCount: catalog.count)
            ledgers[loop] = ledger
            let seed = Self.connectionSeed(configuration.seed, index: index)
            let source = makeSource(index: index, sampler: sampler, ledger: ledger, seed: seed)
            let pacer = configuration.targetRate.map { rate in
                OpenLoopPacer(
                    rate: rate, batchSize: configuration.batchSize, connections: connections.count, index: index,
                    startNanoseconds: timing.startNanoseconds)
            }
            drivers.append(
                BenchDriver(
                    connection: connection, source: source, timing: timing,
                    framesInFlight: configuration.framesInFlight,
                    batchSize: configuration.batchSize, openLoop: pacer))
        }
        let cpuBefore = ProcessCPUClock.seconds()
        let futures = drivers.map { $0.start() }
        for future in futures { try await future.get() }
        let cpuSeconds = ProcessCPUClock.seconds() - cpuBefore
        let merged = StockLedger(skuCount: catalog.count)
        for ledger in ledgers.values { merged.merge(ledger) }
        return Outcome(
            drivers: drivers, ledger: merged, timing: timing, configuration: configuration, clientCPUSeconds: cpuSeconds
        )
    }

    /// The seed of connection `index`'s random stream: a hashed state, so the streams are
    /// unrelated. (`seed + index × 0x9E37_79B9_7F4A_7C15`, SplitMix64's own increment, made
    /// connection `index` draw connection 0's SKUs shifted by `index` steps.)
    static func connectionSeed(_ seed: UInt64, index: Int) -> UInt64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }

    private func makeSource(index: Int, sampler: SKUSampler, ledger: StockLedger, seed: UInt64) -> any BenchFrameSource
    {
        if configuration.workload == .funnel {
            let requests = FunnelRequests(
                store: configuration.store, catalog: catalog, ttlSeconds: configuration.reservationTTLSeconds,
                connectionTag: "\(index)-")
            return FunnelSource(
                requests: requests, sampler: sampler, ledger: ledger, configuration: configuration, seed: seed)
        }
        let encoder = ReservationEncoder(
            store: configuration.store, catalog: catalog, ttlSeconds: configuration.reservationTTLSeconds,
            idPrefix: "r\(index)-")
        return ReservationSource(
            encoder: encoder, sampler: sampler, ledger: ledger, linesPerReservation: configuration.linesPerReservation,
            seed: seed, slots: configuration.framesInFlight, batchSize: configuration.batchSize)
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
        let sent = drivers.map(\.sentOperations).reduce(0, +)
        report.clientCPUSeconds = clientCPUSeconds
        report.clientCPUNanosecondsPerOperation = sent > 0 ? clientCPUSeconds * 1e9 / Double(sent) : 0
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
