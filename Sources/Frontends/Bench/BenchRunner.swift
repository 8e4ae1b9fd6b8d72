import Engine
import HoldfastClient
import NIOCore
import NIOPosix
import Wire

/// Runs `holdfast bench`: connects, loads the catalog, warms up, measures,
/// reads the stock back and proves nothing was oversold, then releases the
/// run's reservations.
struct BenchRunner: Sendable {
    var configuration: BenchConfiguration
    var endpoint: WireEndpoint
    var credentials = ""
    /// Client event-loop threads.
    var threads = 1
    var progress: @Sendable (String) -> Void = { _ in }

    /// Runs the benchmark on its own event loops and connections.
    ///
    /// - Throws: `BenchError` when the configuration does not fit the server
    ///   or a phase around the measurement fails; the client's error when it
    ///   cannot connect.
    func run() async throws -> BenchReport {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw BenchError(problems.joined(separator: "; ")) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            let connections = try await connect(group: group)
            let report: BenchReport
            do {
                report = try await run(on: connections)
            } catch {
                for connection in connections { await connection.close() }
                throw error
            }
            for connection in connections { await connection.close() }
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func connect(group: MultiThreadedEventLoopGroup) async throws -> [WireConnection] {
        var connections: [WireConnection] = []
        for index in 0..<configuration.connections {
            connections.append(
                try await WireConnection.connect(
                    to: endpoint, clientID: "bench-\(index)", credentials: credentials, group: group))
        }
        return connections
    }

    private func run(on connections: [WireConnection]) async throws -> BenchReport {
        let hello = connections[0].helloReply
        try checkFits(hello.limits)
        var report = makeReport(hello: hello)
        progress("server \(hello.serverName) at \(endpoint): protocol \(hello.protocolVersion), \(hello.shardCount) shard(s)")
        let catalog = SKUCatalog(configuration: configuration)
        let phases = BenchPhases(connections: connections, store: configuration.store, catalog: catalog, progress: progress)
        progress("loading \(catalog.count) SKU(s) × \(catalog.initialOnHand) units into store \(configuration.store)…")
        report.catalog.setupSeconds = try await phases.loadCatalog()
        progress(
            "warming up \(configuration.warmupSeconds) s, then measuring \(configuration.durationSeconds) s "
                + "(\(configuration.workload.rawValue), \(configuration.isOpenLoop ? "open" : "closed") loop)…")
        let measurement = try await BenchMeasurement(configuration: configuration, catalog: catalog).run(on: connections)
        measurement.fill(&report)

        let touched = measurement.ledger.touchedIndices
        progress("reading back the stock of \(touched.count) SKU(s)…")
        let observations = try await phases.readStock(of: touched)
        report.check = OversellCheck(
            observations: observations, initialOnHand: catalog.initialOnHand, ledger: measurement.ledger,
            expectedSKUs: touched.count)
        report.serverCounters = await phases.serverStats().map(BenchReport.ServerCounters.init)
        if configuration.releaseAtEnd {
            report.releasedReservations = try await phases.release(measurement.activeReservations)
        }
        return report
    }

    /// Refuses frames the server would refuse.
    private func checkFits(_ limits: WireLimits) throws {
        if configuration.batchSize > limits.itemsPerFrameMax {
            throw BenchError("--batch \(configuration.batchSize) exceeds the server's \(limits.itemsPerFrameMax) items per frame")
        }
        let inFlight = configuration.batchSize * configuration.framesInFlight
        if inFlight > limits.inFlightPerConnectionMax {
            throw BenchError(
                "--batch × --in-flight = \(inFlight) exceeds the server's \(limits.inFlightPerConnectionMax) operations "
                    + "in flight per connection")
        }
    }

    private func makeReport(hello: HelloReply) -> BenchReport {
        BenchReport(
            workload: configuration.workload.rawValue, store: configuration.store, seed: configuration.seed,
            server: BenchReport.Server(endpoint: "\(endpoint)", hello: hello),
            load: BenchReport.Load(
                mode: configuration.isOpenLoop ? "open" : "closed", connections: configuration.connections,
                framesInFlight: configuration.framesInFlight, batchSize: configuration.batchSize, threads: threads,
                targetOperationsPerSecond: configuration.targetRate, warmupSeconds: configuration.warmupSeconds,
                durationSeconds: configuration.durationSeconds),
            catalog: BenchReport.Catalog(
                skus: configuration.catalogSize, stockPerSKU: configuration.stockPerSKU,
                zipfExponent: [.zipf, .funnel].contains(configuration.workload) ? configuration.zipfExponent : nil,
                setupSeconds: 0))
    }
}
