/// Dense indexes for the per-shard command counters: a command kind (its
/// codec tag) by an outcome (success, or one `EngineError` case), so the
/// writer counts a command with one table cell and no lookup by name.
public enum CommandOutcomeIndex {
    /// Every command tag, in the order of the table's rows.
    public static let kinds: [CommandCodec.Tag] = CommandCodec.Tag.allCases

    /// The row of each tag, by raw value (0xFF: not a tag).
    static let rowByTagRawValue: [UInt8] = {
        var rows = [UInt8](repeating: 0xFF, count: 256)
        for (row, tag) in kinds.enumerated() { rows[Int(tag.rawValue)] = UInt8(row) }
        return rows
    }()

    /// Outcome columns: 0 is success, then one per error case (see `errorColumn`).
    public static let outcomeCount = 28

    /// The column of an error; exhaustive, so a new case must be given one.
    @inline(__always)
    public static func errorColumn(_ error: EngineError) -> Int {
        switch error {
        case .invalidIdentifier: 1
        case .quantityOutOfRange: 2
        case .amountOutOfRange: 3
        case .lineCountOutOfRange: 4
        case .ttlOutOfRange: 5
        case .invalidCurrency: 6
        case .invalidArgument: 7
        case .unknownStore: 8
        case .unknownSKU: 9
        case .unknownLocation: 10
        case .unknownReservation: 11
        case .unknownCart: 12
        case .unknownOrder: 13
        case .insufficientStock: 14
        case .stockBelowCommitments: 15
        case .reservationNotActive: 16
        case .reservationExpired: 17
        case .invalidTransition: 18
        case .cartEmpty: 19
        case .missingPrice: 20
        case .idempotencyConflict: 21
        case .limitReached: 22
        case .busy: 23
        case .shuttingDown: 24
        case .journalFailure: 25
        case .notOwner: 26
        case .priceMismatch: 27
        }
    }

    /// The column of an outcome: 0 for success, else `errorColumn`. Matches
    /// case names only, so it copies nothing out of the (large) outcome.
    @inline(__always)
    public static func outcomeColumn(_ outcome: Outcome) -> Int {
        switch outcome {
        case .success: 0
        case .failure(.invalidIdentifier): 1
        case .failure(.quantityOutOfRange): 2
        case .failure(.amountOutOfRange): 3
        case .failure(.lineCountOutOfRange): 4
        case .failure(.ttlOutOfRange): 5
        case .failure(.invalidCurrency): 6
        case .failure(.invalidArgument): 7
        case .failure(.unknownStore): 8
        case .failure(.unknownSKU): 9
        case .failure(.unknownLocation): 10
        case .failure(.unknownReservation): 11
        case .failure(.unknownCart): 12
        case .failure(.unknownOrder): 13
        case .failure(.insufficientStock): 14
        case .failure(.stockBelowCommitments): 15
        case .failure(.reservationNotActive): 16
        case .failure(.reservationExpired): 17
        case .failure(.invalidTransition): 18
        case .failure(.cartEmpty): 19
        case .failure(.missingPrice): 20
        case .failure(.idempotencyConflict): 21
        case .failure(.limitReached): 22
        case .failure(.busy): 23
        case .failure(.shuttingDown): 24
        case .failure(.journalFailure): 25
        case .failure(.notOwner): 26
        case .failure(.priceMismatch): 27
        }
    }

    /// The column of `insufficientStock` (requests refused for lack of stock).
    public static let insufficientStockColumn = 14

    /// One error of each case, by column (index 0 unused), for names and codes.
    static let sampleErrors: [EngineError?] = [
        nil,
        .invalidIdentifier(field: "", reason: ""), .quantityOutOfRange(field: "", value: 0),
        .amountOutOfRange(field: "", value: 0), .lineCountOutOfRange(count: 0, max: 0), .ttlOutOfRange(seconds: 0),
        .invalidCurrency(""), .invalidArgument(field: "", reason: ""), .unknownStore(store: ""), .unknownSKU(sku: ""),
        .unknownLocation(sku: "", location: ""), .unknownReservation(id: ""), .unknownCart(id: ""),
        .unknownOrder(id: ""), .insufficientStock(sku: "", requested: 0, available: 0),
        .stockBelowCommitments(sku: "", location: "", minimumOnHand: 0),
        .reservationNotActive(id: "", status: .released), .reservationExpired(id: ""),
        .invalidTransition(orderID: "", from: .placed, to: .placed), .cartEmpty(cartID: ""), .missingPrice(sku: ""),
        .idempotencyConflict(key: ""), .limitReached(.reservations), .busy, .shuttingDown,
        .journalFailure(reason: ""), .notOwner(entity: "", id: ""),
        .priceMismatch(sku: "", listed: ListedPrice(currency: "", unitPriceMinor: 0)),
    ]

    /// The label of an outcome column: `ok`, or the error's stable name (`INSUFFICIENT_STOCK`).
    public static func outcomeName(column: Int) -> String {
        precondition((0..<outcomeCount).contains(column), "no outcome column \(column)")
        return sampleErrors[column]?.name ?? "ok"
    }

    /// The label of a command kind: its case name in snake case (`set_stock`, `reserve`).
    public static func operationName(_ tag: CommandCodec.Tag) -> String {
        var name = ""
        for character in "\(tag)" {
            if character.isUppercase {
                name.append("_")
                name.append(contentsOf: character.lowercased())
            } else {
                name.append(character)
            }
        }
        return name
    }
}
