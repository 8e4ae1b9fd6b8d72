extension CommandResult {
    /// The name of the result's case, for error messages.
    public var kindName: String {
        switch self {
        case .tick: "tick"
        case .stockRecord: "stockRecord"
        case .stock: "stock"
        case .locationPriority: "locationPriority"
        case .reservation: "reservation"
        case .availability: "availability"
        case .cart: "cart"
        case .order: "order"
        case .orders: "orders"
        case .price: "price"
        }
    }
}

extension HoldfastClient {
    /// Runs `command` and extracts the result case it must answer with.
    ///
    /// - Throws: the call's error, or `unexpectedReply` if the result is of another kind.
    func run<Value>(_ command: Command, expecting extract: (CommandResult) -> Value?) async throws(HoldfastClientError)
        -> Value
    {
        let result = try await execute(command)
        guard let value = extract(result) else {
            throw .unexpectedReply("\(CommandCodec.tag(of: command)) answered with a \(result.kindName) result")
        }
        return value
    }
}
