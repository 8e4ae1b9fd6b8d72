// From a command to its payload's coder and back, one case per tag. The
// payload layouts live in the facet files (CommandCodec+Stock.swift, …).
extension CommandCodec {
    /// Appends the payload of `command` (everything after the tag): the body
    /// of a wire-protocol item.
    public static func encodePayload(of command: Command, into writer: inout BinaryWriter) {
        switch command {
        case .advanceTime: break
        case .setStock(let payload): encode(payload, into: &writer)
        case .adjustStock(let payload): encode(payload, into: &writer)
        case .setLocationPriority(let payload): encode(payload, into: &writer)
        case .setPrice(let payload): encode(payload, into: &writer)
        case .reserve(let payload): encode(payload, into: &writer)
        case .extendReservation(let payload): encode(payload, into: &writer)
        case .releaseReservation(let payload): encode(payload, into: &writer)
        case .confirmReservation(let payload): encode(payload, into: &writer)
        case .configureCart(let payload): encode(payload, into: &writer)
        case .addCartItem(let payload): encode(payload, into: &writer)
        case .setCartItem(let payload): encode(payload, into: &writer)
        case .removeCartItem(let payload): encode(payload, into: &writer)
        case .clearCart(let payload): encode(payload, into: &writer)
        case .checkoutCart(let payload): encode(payload, into: &writer)
        case .placeOrder(let payload): encode(payload, into: &writer)
        case .payOrder(let payload), .fulfillOrder(let payload), .cancelOrder(let payload):
            encode(payload, into: &writer)
        case .getStock(let payload): encode(payload, into: &writer)
        case .checkAvailability(let payload): encode(payload, into: &writer)
        case .getReservation(let payload): encode(payload, into: &writer)
        case .getCart(let payload): encode(payload, into: &writer)
        case .getOrder(let payload): encode(payload, into: &writer)
        case .listOrders(let payload): encode(payload, into: &writer)
        case .getPrice(let payload): encode(payload, into: &writer)
        }
    }

    /// Reads a tag and the payload it announces.
    static func decodeCommand(from reader: inout BinaryReader) throws -> Command {
        let tagOffset = reader.offset
        let tagByte = try reader.readUInt8()
        guard let tag = Tag(rawValue: tagByte) else {
            throw DecodingError(offset: tagOffset, reason: "unknown command tag \(tagByte)")
        }
        return try decodePayload(of: tag, from: &reader)
    }

    /// Reads the payload of a command whose tag is known (a wire-protocol item,
    /// whose operation names the tag), leaving `reader` just past it.
    ///
    /// - Throws: `DecodingError` with the offset of the first missing or malformed byte.
    public static func decode(payloadOf tag: Tag, from reader: inout BinaryReader) throws(DecodingError) -> Command {
        try typed(&reader) { reader in try decodePayload(of: tag, from: &reader) }
    }

    /// Reads the payload of a command whose tag has been read.
    static func decodePayload(of tag: Tag, from reader: inout BinaryReader) throws -> Command {
        switch tag {
        case .advanceTime: .advanceTime
        case .setStock: .setStock(try decodeSetStock(from: &reader))
        case .adjustStock: .adjustStock(try decodeAdjustStock(from: &reader))
        case .setLocationPriority: .setLocationPriority(try decodeSetLocationPriority(from: &reader))
        case .setPrice: .setPrice(try decodeSetPrice(from: &reader))
        case .reserve: .reserve(try decodeReserve(from: &reader))
        case .extendReservation: .extendReservation(try decodeExtendReservation(from: &reader))
        case .releaseReservation: .releaseReservation(try decodeReservationReference(from: &reader))
        case .confirmReservation: .confirmReservation(try decodeConfirmReservation(from: &reader))
        case .configureCart: .configureCart(try decodeConfigureCart(from: &reader))
        case .addCartItem: .addCartItem(try decodeAddCartItem(from: &reader))
        case .setCartItem: .setCartItem(try decodeSetCartItem(from: &reader))
        case .removeCartItem: .removeCartItem(try decodeRemoveCartItem(from: &reader))
        case .clearCart: .clearCart(try decodeCartReference(from: &reader))
        case .checkoutCart: .checkoutCart(try decodeCheckoutCart(from: &reader))
        case .placeOrder: .placeOrder(try decodePlaceOrder(from: &reader))
        case .payOrder: .payOrder(try decodeOrderTransition(from: &reader))
        case .fulfillOrder: .fulfillOrder(try decodeOrderTransition(from: &reader))
        case .cancelOrder: .cancelOrder(try decodeOrderTransition(from: &reader))
        case .getStock: .getStock(try decodeStockQuery(from: &reader))
        case .checkAvailability: .checkAvailability(try decodeAvailabilityQuery(from: &reader))
        case .getReservation: .getReservation(try decodeReservationReference(from: &reader))
        case .getCart: .getCart(try decodeCartReference(from: &reader))
        case .getOrder: .getOrder(try decodeOrderReference(from: &reader))
        case .listOrders: .listOrders(try decodeOrderListQuery(from: &reader))
        case .getPrice: .getPrice(try decodePriceQuery(from: &reader))
        }
    }
}
