import Testing

@testable import holdfast

/// The demo behind the README's run command, end to end through the shard runtime.
@Suite struct DemoWorkloadTests {
    @Test("The demo sells exactly the flash stock, runs the funnel without errors, and keeps invariants",
        arguments: [1, 3])
    func demoPasses(shards: Int) async throws {
        let workload = DemoWorkload(
            shards: shards, stores: 3, skusPerStore: 200, flashStock: 1_000, clients: 4, batchSize: 32,
            funnelSeconds: 0.3)
        let report = try await workload.run { _ in }
        #expect(report.flashSale.granted == 1_000)
        #expect(report.flashSale.refusedForStock == report.flashSale.demand - 1_000)
        #expect(report.flashSale.oversold == 0)
        #expect(report.flashSale.reservedAfter == 1_000)
        #expect(report.funnel.reservesPlaced > 0)
        #expect(report.funnel.paymentsAndFulfilments > 0)
        #expect(report.funnel.errors == 0)
        #expect(report.invariantViolations == [])
        #expect(report.passed)
        #expect(report.table().contains("result: PASS"))
    }

    @Test("A report with an oversell or a violation fails")
    func failingReport() {
        var report = DemoReport(shards: 1, clients: 1, batchSize: 1)
        report.flashSale = FlashSaleReport(
            stock: 10, demand: 20, granted: 11, refusedForStock: 9, otherErrors: 0, reservedAfter: 11, elapsed: .zero)
        #expect(report.flashSale.oversold == 1)
        #expect(!report.passed)
        report.flashSale = FlashSaleReport(
            stock: 10, demand: 20, granted: 10, refusedForStock: 10, otherErrors: 0, reservedAfter: 10, elapsed: .zero)
        report.invariantViolations = ["x"]
        #expect(!report.passed)
        #expect(report.table().contains("result: FAIL"))
    }
}
