import ArgumentParser
import Engine
import HoldfastClient
import REST

/// `holdfast price get|set|remove`: the store's price list, which prices every
/// order a customer token makes.
struct PriceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "price",
        abstract: "Read and change a store's list prices (what customers' orders are priced at).",
        discussion: ClientExitCode.summary,
        subcommands: [PriceGetCommand.self, PriceSetCommand.self, PriceRemoveCommand.self])
}

struct PriceGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a SKU's list price.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "The SKU.")
    var sku: String

    func run() async throws {
        try await connection.run { client throws(HoldfastClientError) in
            PriceReport(try await client.getPrice(PriceQuery(store: scope.store, sku: sku)))
        }
    }
}

struct PriceSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set the list price of an existing SKU (admin or inventory-manager token).")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "The SKU.")
    var sku: String

    @Option(help: "ISO 4217 currency code, e.g. EUR.")
    var currency: String

    @Option(help: "Unit price in minor units (cents).")
    var unitPriceMinor: Int64

    @Option(help: "Idempotency key: a repeat with the same key answers the first result.")
    var requestKey: String?

    func run() async throws {
        let command = SetPrice(
            store: scope.store, sku: sku, currency: currency, unitPriceMinor: unitPriceMinor, requestKey: requestKey)
        try await connection.run { client throws(HoldfastClientError) in
            PriceReport(try await client.setPrice(command))
        }
    }
}

struct PriceRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Take a SKU off the price list: customers cannot order it until it is set again.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "The SKU.")
    var sku: String

    func run() async throws {
        let command = SetPrice(store: scope.store, sku: sku, currency: "", unitPriceMinor: nil)
        try await connection.run { client throws(HoldfastClientError) in
            PriceReport(try await client.setPrice(command))
        }
    }
}

typealias PriceReport = PriceJSON

extension PriceJSON: OperatorReport {
    func table() -> String {
        let price = unitPriceMinor.map { "\($0) \(currency ?? "")" } ?? "not listed"
        return OperatorOutput.table(["SKU", "list price (minor units)"], [[sku, price]])
            + (replayed ? "\n(unchanged: the list already said so)" : "")
    }
}
