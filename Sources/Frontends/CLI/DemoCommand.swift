import ArgumentParser
import Engine
import Foundation
import Persistence

/// `holdfast demo`: the engine under a demo workload, with a report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a durable node under a flash sale and a checkout funnel, then verify it.",
        discussion: """
            Opens (or creates) the data directory and recovers it, then: phase 1 sells one hot SKU
            to many concurrent clients asking for more than there is and checks exactly the stock
            was granted; phase 2 runs a checkout funnel (reserve, confirm, pay, fulfil, or release)
            over a catalog for --seconds. Then every shard's invariants are checked. Every write
            goes through the write-ahead log (durability strict by default). Each run uses its own
            store names, so runs on the same data directory stay independent.
            """)

    @OptionGroup var node: NodeOptions

    @Option(help: "Stores in the catalog (spread over shards).")
    var stores: Int = 4

    @Option(help: "SKUs per store.")
    var skusPerStore: Int = 10_000

    @Option(help: "Units of the hot SKU on sale in phase 1.")
    var flashStock: Int = 50_000

    @Option(help: "Concurrent clients.")
    var clients: Int = 8

    @Option(help: "Commands each client sends per batch.")
    var batchSize: Int = 128

    @Option(help: "Length of the checkout funnel phase, in seconds.")
    var seconds: Double = 5

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard (1...1_000).contains(stores) else { throw ValidationError("--stores must be 1...1000") }
        guard (1...1_000_000).contains(skusPerStore) else { throw ValidationError("--skus-per-store must be 1...1000000") }
        guard (1...Int(Limits.quantityMax)).contains(flashStock) else { throw ValidationError("--flash-stock must be 1...1000000000") }
        guard (1...1_024).contains(clients) else { throw ValidationError("--clients must be 1...1024") }
        guard (1...4_096).contains(batchSize) else { throw ValidationError("--batch-size must be 1...4096") }
        guard seconds > 0 && seconds <= 3_600 else { throw ValidationError("--seconds must be in (0, 3600]") }
    }

    func run() async throws {
        let workload = DemoWorkload(
            shards: node.shards, stores: stores, skusPerStore: skusPerStore, flashStock: Int64(flashStock),
            clients: clients, batchSize: batchSize, funnelSeconds: seconds,
            storePrefix: "run-\(Int(Date().timeIntervalSince1970))-")
        let durableNode = try node.openNode()
        defer { durableNode.shutdown() }
        let report = try await workload.run(on: durableNode.runtime, durability: node.durability) { message in
            if !json { NodeOptions.say(message) }
        }
        print(json ? report.json() : report.table())
        if !report.passed { throw ExitCode(1) }
    }
}
