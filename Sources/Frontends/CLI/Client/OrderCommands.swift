import ArgumentParser
import HoldfastClient

/// `holdfast order place|get|list|pay|fulfill|cancel`.
struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Place orders and move them through paid, fulfilled or cancelled.",
        discussion: ClientExitCode.summary,
        subcommands: [
            OrderPlaceCommand.self, OrderGetCommand.self, OrderListCommand.self, OrderPayCommand.self,
            OrderFulfillCommand.self, OrderCancelCommand.self,
        ])
}

struct OrderPlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place an order from priced lines, committing stock for all or none.",
        discussion: "The order id is the idempotency key.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Order id (chosen by you).")
    var id: String

    @Argument(help: "Lines, SKU[@LOCATION]:QTY:PRICE_MINOR.")
    var lines: [String]

    @Option(help: "Customer id.")
    var customer: String

    @Option(help: "ISO 4217 currency, e.g. EUR.")
    var currency: String

    @Option(help: "Tax, in minor units.")
    var taxMinor: Int64 = 0

    @Option(help: "Shipping, in minor units.")
    var shippingMinor: Int64 = 0

    @Option(help: "Discount, in minor units.")
    var discountMinor: Int64 = 0

    func validate() throws {
        guard !lines.isEmpty else { throw ValidationError("give at least one line, SKU[@LOCATION]:QTY:PRICE_MINOR") }
    }

    func run() async throws {
        let command = PlaceOrder(
            store: scope.store, orderID: id, customerID: customer, lines: try lines.map(ClientLines.pricedLine),
            currency: currency, taxMinor: taxMinor, shippingMinor: shippingMinor, discountMinor: discountMinor)
        try await connection.run { client throws(HoldfastClientError) in
            OrderReport(try await client.placeOrder(command))
        }
    }
}

struct OrderGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show an order.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Order id.")
    var id: String

    func run() async throws {
        let reference = OrderReference(store: scope.store, orderID: id)
        try await connection.run { client throws(HoldfastClientError) in
            OrderReport(try await client.getOrder(reference))
        }
    }
}

struct OrderListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a customer's orders, oldest first, a page at a time.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Option(help: "Customer id.")
    var customer: String

    @Option(help: "Start after this order id (from the previous page).")
    var after: String?

    @Option(help: "Orders per page.")
    var limit = Limits.orderPageSizeDefault

    func run() async throws {
        let query = OrderListQuery(store: scope.store, customerID: customer, afterOrderID: after, limit: limit)
        try await connection.run { client throws(HoldfastClientError) in
            OrderPageReport(try await client.listOrders(query))
        }
    }
}

/// `order pay|fulfill|cancel`: one transition of one order.
struct OrderTransitionOptions: ParsableArguments {
    @Argument(help: "Order id.")
    var id: String

    @Option(help: "Idempotency key (repeating a transition already made succeeds anyway).")
    var requestKey: String?
}

struct OrderPayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pay", abstract: "Mark an order paid.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption
    @OptionGroup var transition: OrderTransitionOptions

    func run() async throws {
        let command = OrderTransition(store: scope.store, orderID: transition.id, requestKey: transition.requestKey)
        try await connection.run { client throws(HoldfastClientError) in OrderReport(try await client.pay(command)) }
    }
}

struct OrderFulfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fulfill", abstract: "Mark an order fulfilled.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption
    @OptionGroup var transition: OrderTransitionOptions

    func run() async throws {
        let command = OrderTransition(store: scope.store, orderID: transition.id, requestKey: transition.requestKey)
        try await connection.run { client throws(HoldfastClientError) in OrderReport(try await client.fulfill(command))
        }
    }
}

struct OrderCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel an order, returning its stock.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption
    @OptionGroup var transition: OrderTransitionOptions

    func run() async throws {
        let command = OrderTransition(store: scope.store, orderID: transition.id, requestKey: transition.requestKey)
        try await connection.run { client throws(HoldfastClientError) in OrderReport(try await client.cancel(command)) }
    }
}
