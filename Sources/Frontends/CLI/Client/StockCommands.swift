import ArgumentParser
import HoldfastClient

/// `holdfast stock get|set|adjust|check|priority`.
struct StockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "Read and change stock levels on a running server.",
        discussion: ClientExitCode.summary,
        subcommands: [
            StockGetCommand.self, StockSetCommand.self, StockAdjustCommand.self, StockCheckCommand.self,
            StockPriorityCommand.self,
        ])
}

struct StockGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show a SKU's stock at every location, in allocation order, with totals.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "The SKU.")
    var sku: String

    func run() async throws {
        try await connection.run { client throws(HoldfastClientError) in
            StockReport(try await client.getStock(StockQuery(store: scope.store, sku: sku)))
        }
    }
}

struct StockSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set fields of a stock record, creating it (and the store, SKU and location) if needed.",
        discussion: "Fields not given keep their value (0 for a new record).")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "SKU[@LOCATION] (the default location when none is named).")
    var item: String

    @Option(help: "Units on hand.")
    var onHand: Int64?

    @Option(help: "Units never sold (kept back from available).")
    var safetyStock: Int64?

    @Option(help: "Available below this raises a low-stock event.")
    var lowStockThreshold: Int64?

    @Option(help: "How far available may go below zero.")
    var backorderLimit: Int64?

    @Option(help: "Idempotency key: a repeat with the same key answers the first result.")
    var requestKey: String?

    func run() async throws {
        let (sku, location) = try ClientLines.skuAndLocation(item)
        let command = SetStock(
            store: scope.store, sku: sku, location: location, onHand: onHand, safetyStock: safetyStock,
            lowStockThreshold: lowStockThreshold, backorderLimit: backorderLimit, requestKey: requestKey)
        try await connection.run { client throws(HoldfastClientError) in
            StockRecordReport(try await client.setStock(command))
        }
    }
}

struct StockAdjustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adjust", abstract: "Add (positive --delta) or remove (negative) on-hand stock of a record.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "SKU[@LOCATION].")
    var item: String

    @Option(parsing: .unconditional, help: "Units to add; negative to remove (e.g. --delta -3).")
    var delta: Int64

    @Option(help: "Why (recorded in the log).")
    var reason = "cli"

    @Option(help: "Idempotency key: a repeat with the same key answers the first result.")
    var requestKey: String?

    func run() async throws {
        let (sku, location) = try ClientLines.skuAndLocation(item)
        let command = AdjustStock(
            store: scope.store, sku: sku, location: location, delta: delta, reason: reason, requestKey: requestKey)
        try await connection.run { client throws(HoldfastClientError) in
            StockRecordReport(try await client.adjustStock(command))
        }
    }
}

struct StockCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check whether lines could be reserved now (changes nothing).")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Lines, SKU[@LOCATION]:QTY.")
    var lines: [String]

    func validate() throws {
        guard !lines.isEmpty else { throw ValidationError("give at least one line, SKU[@LOCATION]:QTY") }
    }

    func run() async throws {
        let query = AvailabilityQuery(store: scope.store, lines: try lines.map(ClientLines.line))
        try await connection.run { client throws(HoldfastClientError) in
            AvailabilityReport(try await client.checkAvailability(query))
        }
    }
}

struct StockPriorityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "priority",
        abstract: "Set the order in which lines without a location are allocated.",
        discussion: "Locations not named keep their relative order after the named ones.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Locations, first allocated first.")
    var locations: [String]

    @Option(help: "Idempotency key.")
    var requestKey: String?

    func run() async throws {
        let command = SetLocationPriority(store: scope.store, locations: locations, requestKey: requestKey)
        try await connection.run { client throws(HoldfastClientError) in
            LocationPriorityReport(locations: try await client.setLocationPriority(command))
        }
    }
}
