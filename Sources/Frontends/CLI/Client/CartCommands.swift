import ArgumentParser
import HoldfastClient

/// `holdfast cart configure|get|add|set|remove|clear|checkout`.
struct CartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cart",
        abstract: "Build carts (optionally holding their stock) and check them out.",
        discussion: ClientExitCode.summary,
        subcommands: [
            CartConfigureCommand.self, CartGetCommand.self, CartAddCommand.self, CartSetCommand.self,
            CartRemoveCommand.self, CartClearCommand.self, CartCheckoutCommand.self,
        ])
}

struct CartConfigureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure", abstract: "Create a cart or change its settings.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Cart id.")
    var id: String

    @Option(help: "Customer id.")
    var customer: String?

    @Flag(help: "Keep a reservation in step with the cart's lines.")
    var holdStock = false

    @Option(help: "Seconds the hold lasts, renewed on every change.")
    var holdTTLSeconds = Limits.cartHoldTTLDefaultSeconds

    func run() async throws {
        let command = ConfigureCart(
            store: scope.store, cartID: id, customerID: customer, holdStock: holdStock, holdTTLSeconds: holdTTLSeconds)
        try await connection.run { client throws(HoldfastClientError) in
            CartReport(try await client.configureCart(command))
        }
    }
}

struct CartGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a cart.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Cart id.")
    var id: String

    func run() async throws {
        let reference = CartReference(store: scope.store, cartID: id)
        try await connection.run { client throws(HoldfastClientError) in CartReport(try await client.getCart(reference))
        }
    }
}

struct CartAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add quantities to a cart, creating it if needed; prints the cart.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Cart id.")
    var id: String

    @Argument(help: "Lines to add, SKU:QTY (one request each, in order).")
    var lines: [String]

    func validate() throws {
        guard !lines.isEmpty else { throw ValidationError("give at least one line, SKU:QTY") }
    }

    func run() async throws {
        let commands = try lines.map(ClientLines.cartLine).map {
            AddCartItem(store: scope.store, cartID: id, sku: $0.sku, quantity: $0.quantity)
        }
        try await connection.run { client throws(HoldfastClientError) in
            var view: CartView?
            for command in commands { view = try await client.addCartItem(command) }
            return CartReport(view!)
        }
    }
}

struct CartSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set cart lines' quantities (0 removes a line); prints the cart.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Cart id.")
    var id: String

    @Argument(help: "Lines, SKU:QTY.")
    var lines: [String]

    func validate() throws {
        guard !lines.isEmpty else { throw ValidationError("give at least one line, SKU:QTY") }
    }

    func run() async throws {
        let commands = try lines.map(ClientLines.cartLine).map {
            SetCartItem(store: scope.store, cartID: id, sku: $0.sku, quantity: $0.quantity)
        }
        try await connection.run { client throws(HoldfastClientError) in
            var view: CartView?
            for command in commands { view = try await client.setCartItem(command) }
            return CartReport(view!)
        }
    }
}

struct CartRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove SKUs' lines from a cart; prints the cart.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Cart id.")
    var id: String

    @Argument(help: "SKUs whose lines to remove.")
    var skus: [String]

    func validate() throws {
        guard !skus.isEmpty else { throw ValidationError("give at least one SKU") }
    }

    func run() async throws {
        let commands = skus.map { RemoveCartItem(store: scope.store, cartID: id, sku: $0) }
        try await connection.run { client throws(HoldfastClientError) in
            var view: CartView?
            for command in commands { view = try await client.removeCartItem(command) }
            return CartReport(view!)
        }
    }
}

struct CartClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Remove every line of a cart.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption

    @Argument(help: "Cart id.")
    var id: String

    func run() async throws {
        let reference = CartReference(store: scope.store, cartID: id)
        try await connection.run { client throws(HoldfastClientError) in
            CartReport(try await client.clearCart(reference))
        }
    }
}

struct CartCheckoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout",
        abstract: "Turn a cart into an order and remove the cart.",
        discussion: "The order id is the idempotency key. Every SKU needs a --price.")

    @OptionGroup var connection: ClientOptions
    @OptionGroup var scope: StoreOption
    @OptionGroup var terms: OrderTermsOptions

    @Argument(help: "Cart id.")
    var id: String

    func run() async throws {
        let command = CheckoutCart(store: scope.store, cartID: id, terms: try terms.orderTerms())
        try await connection.run { client throws(HoldfastClientError) in
            OrderReport(try await client.checkoutCart(command))
        }
    }
}
