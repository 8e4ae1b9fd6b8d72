import ArgumentParser
import HoldfastClient

/// `holdfast reservation create|get|extend|release|confirm`.
struct ReservationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reservation",
        abstract: "Hold stock for a while, then confirm it into an order or release it.",
        discussion: ClientExitCode.summary,
        subcommands: [
            ReservationCreateCommand.self, ReservationGetCommand.self, ReservationExtendCommand.self,
            ReservationReleaseCommand.self, ReservationConfirmCommand.self,
        ])
}

struct ReservationCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Reserve all lines or none.",
        discussion: "The id is also the idempotency key: repeating the same request answers the first result.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Reservation id (chosen by you).")
    var id: String

    @Argument(help: "Lines, SKU[@LOCATION]:QTY.")
    var lines: [String]

    @Option(help: "Seconds until the hold lapses.")
    var ttlSeconds = Limits.reservationTTLDefaultSeconds

    @Option(help: "Who holds it (a session or customer id).")
    var owner: String?

    func validate() throws {
        guard !lines.isEmpty else { throw ValidationError("give at least one line, SKU[@LOCATION]:QTY") }
    }

    func run() async throws {
        let command = Reserve(
            store: scope.store, reservationID: id, lines: try lines.map(ClientLines.line), ttlSeconds: ttlSeconds,
            owner: owner)
        try await connection.run { client throws(HoldfastClientError) in
            ReservationReport(try await client.reserve(command))
        }
    }
}

struct ReservationGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a reservation.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Reservation id.")
    var id: String

    func run() async throws {
        let reference = ReservationReference(store: scope.store, reservationID: id)
        try await connection.run { client throws(HoldfastClientError) in
            ReservationReport(try await client.getReservation(reference))
        }
    }
}

struct ReservationExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend", abstract: "Move an active reservation's deadline to --ttl-seconds from now.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Reservation id.")
    var id: String

    @Option(help: "Seconds from now until the hold lapses.")
    var ttlSeconds: Int64

    @Option(help: "Idempotency key.")
    var requestKey: String?

    func run() async throws {
        let command = ExtendReservation(
            store: scope.store, reservationID: id, ttlSeconds: ttlSeconds, requestKey: requestKey)
        try await connection.run { client throws(HoldfastClientError) in
            ReservationReport(try await client.extend(command))
        }
    }
}

struct ReservationReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Release a reservation's stock (releasing again is harmless).")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Reservation id.")
    var id: String

    func run() async throws {
        let reference = ReservationReference(store: scope.store, reservationID: id)
        try await connection.run { client throws(HoldfastClientError) in
            ReservationReport(try await client.release(reference))
        }
    }
}

struct ReservationConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Turn an active reservation into an order.",
        discussion: "The order id is the idempotency key. Every SKU needs a --price.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption
    @OptionGroup var terms: OrderTermsOptions

    @Argument(help: "Reservation id.")
    var id: String

    func run() async throws {
        let command = ConfirmReservation(store: scope.store, reservationID: id, terms: try terms.orderTerms())
        try await connection.run { client throws(HoldfastClientError) in OrderReport(try await client.confirm(command))
        }
    }
}

/// What turning a reservation or a cart into an order needs.
struct OrderTermsOptions: ParsableArguments {
    @Option(help: "Id of the order to create (the idempotency key).")
    var orderID: String

    @Option(help: "Customer id.")
    var customer: String

    @Option(help: "ISO 4217 currency, e.g. EUR.")
    var currency: String

    @Option(help: "Unit price, SKU:PRICE_MINOR (repeat per SKU).")
    var price: [String] = []

    @Option(help: "Tax, in minor units.")
    var taxMinor: Int64 = 0

    @Option(help: "Shipping, in minor units.")
    var shippingMinor: Int64 = 0

    @Option(help: "Discount, in minor units.")
    var discountMinor: Int64 = 0

    func orderTerms() throws -> OrderTerms {
        OrderTerms(
            orderID: orderID, customerID: customer, currency: currency, prices: try price.map(ClientLines.price),
            taxMinor: taxMinor, shippingMinor: shippingMinor, discountMinor: discountMinor)
    }
}
