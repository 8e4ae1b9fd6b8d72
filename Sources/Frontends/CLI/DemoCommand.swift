import ArgumentParser
import Engine
import Foundation

/// `holdfast demo`: the engine under a demo workload, with a report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the sharded engine in memory under a flash sale and a checkout funnel, then verify it.",
        discussion: """
            Phase 1 sells one hot SKU to many concurrent clients asking for more than there is and
            checks exactly the stock was granted. Phase 2 runs a checkout funnel (reserve, confirm,
            pay, fulfil, or release) over a catalog for --seconds. Then every shard's invariants
            are checked. Durability mode is `none`: the journal is in memory until the
            persistence work lands.
            """)

    @Option(help: "Shards (writer threads). Default: cores − 1, at least 1.")
    var shards: Int = ShardRuntime.defaultShardCount

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
        guard (1...256).contains(shards) else { throw ValidationError("--shards must be 1...256") }
        guard (1...1_000).contains(stores) else { throw ValidationError("--stores must be 1...1000") }
        guard (1...1_000_000).contains(skusPerStore) else { throw ValidationError("--skus-per-store must be 1...1000000") }
        guard (1...Int(Limits.quantityMax)).contains(flashStock) else { throw ValidationError("--flash-stock must be 1...1000000000") }
        guard (1...1_024).contains(clients) else { throw ValidationError("--clients must be 1...1024") }
        guard (1...4_096).contains(batchSize) else { throw ValidationError("--batch-size must be 1...4096") }
        guard seconds > 0 && seconds <= 3_600 else { throw ValidationError("--seconds must be in (0, 3600]") }
    }

    func run() async throws {
        let workload = DemoWorkload(
            shards: shards, stores: stores, skusPerStore: skusPerStore, flashStock: Int64(flashStock),
            clients: clients, batchSize: batchSize, funnelSeconds: seconds)
        let report = try await workload.run { message in
            if !json { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        }
        print(json ? report.json() : report.table())
        if !report.passed { throw ExitCode(1) }
    }
}
