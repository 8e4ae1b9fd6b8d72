import Engine

/// The bytes of an error in a reply: `u16 code`, `string message` (for people),
/// then the fields of the code (docs/wire-protocol.md, "Errors"). A client that
/// does not know a code still has the code and the message.
public enum ErrorCodec {
    public static func encode(_ error: WireError, into writer: inout BinaryWriter) {
        writer.write(error.code)
        switch error {
        case .protocolViolation(_, let message):
            writer.write(message)
        case .engine(let engineError):
            writer.write(engineError.description)
            encodeFields(of: engineError, into: &writer)
        }
    }

    private static func encodeFields(of error: EngineError, into writer: inout BinaryWriter) {
        switch error {
        case .invalidIdentifier(let field, let reason), .invalidArgument(let field, let reason):
            writer.write(field)
            writer.write(reason)
        case .quantityOutOfRange(let field, let value), .amountOutOfRange(let field, let value):
            writer.write(field)
            writer.write(value)
        case .lineCountOutOfRange(let count, let max):
            writer.write(Int64(count))
            writer.write(Int64(max))
        case .ttlOutOfRange(let seconds): writer.write(seconds)
        case .invalidCurrency(let text): writer.write(text)
        case .unknownStore(let text), .unknownSKU(let text), .unknownReservation(let text), .unknownCart(let text),
            .unknownOrder(let text), .reservationExpired(let text), .cartEmpty(let text), .missingPrice(let text),
            .idempotencyConflict(let text), .journalFailure(let text):
            writer.write(text)
        case .unknownLocation(let sku, let location):
            writer.write(sku)
            writer.write(location)
        case .insufficientStock(let sku, let requested, let available):
            writer.write(sku)
            writer.write(requested)
            writer.write(available)
        case .stockBelowCommitments(let sku, let location, let minimumOnHand):
            writer.write(sku)
            writer.write(location)
            writer.write(minimumOnHand)
        case .reservationNotActive(let id, let status):
            writer.write(id)
            writer.write(status.rawValue)
        case .invalidTransition(let orderID, let from, let to):
            writer.write(orderID)
            writer.write(from.rawValue)
            writer.write(to.rawValue)
        case .limitReached(let limit): writer.write(limit.rawValue)
        case .notOwner(let entity, let id):
            writer.write(entity)
            writer.write(id)
        case .priceMismatch(let sku, let listed):
            writer.write(sku)
            writer.write(listed.currency)
            writer.write(listed.unitPriceMinor)
        case .busy, .shuttingDown: break
        }
    }

    /// Longest text field of an error, in bytes.
    public static let textMaxBytes = 4_096

    /// Reads an error written by `encode`.
    ///
    /// - Throws: `DecodingError` if the bytes are malformed or the code is unknown
    ///   to this version (the caller may still report `code` and `message`).
    public static func decode(from reader: inout BinaryReader) throws -> WireError {
        let code = try reader.readUInt16()
        let message = try reader.readString(maxBytes: textMaxBytes)
        if let protocolCode = ProtocolErrorCode(rawValue: code) {
            return .protocolViolation(protocolCode, message)
        }
        return .engine(try decodeEngineError(code: code, at: reader.offset - 2, from: &reader))
    }

    private static func decodeEngineError(code: UInt16, at offset: Int, from reader: inout BinaryReader) throws
        -> EngineError
    {
        func text() throws -> String { try reader.readString(maxBytes: textMaxBytes) }
        switch code {
        case 100: return .invalidIdentifier(field: try text(), reason: try text())
        case 101: return .quantityOutOfRange(field: try text(), value: try reader.readInt64())
        case 102: return .amountOutOfRange(field: try text(), value: try reader.readInt64())
        case 103: return .lineCountOutOfRange(count: Int(try reader.readInt64()), max: Int(try reader.readInt64()))
        case 104: return .ttlOutOfRange(seconds: try reader.readInt64())
        case 105: return .invalidCurrency(try text())
        case 106: return .invalidArgument(field: try text(), reason: try text())
        case 200: return .unknownStore(store: try text())
        case 201: return .unknownSKU(sku: try text())
        case 202: return .unknownLocation(sku: try text(), location: try text())
        case 203: return .unknownReservation(id: try text())
        case 204: return .unknownCart(id: try text())
        case 205: return .unknownOrder(id: try text())
        case 300: return .insufficientStock(sku: try text(), requested: try reader.readInt64(), available: try reader.readInt64())
        case 301: return .stockBelowCommitments(sku: try text(), location: try text(), minimumOnHand: try reader.readInt64())
        case 302:
            let id = try text()
            return .reservationNotActive(id: id, status: try decodeEnum(&reader, ReservationStatus.self))
        case 303: return .reservationExpired(id: try text())
        case 304:
            let orderID = try text()
            let from = try decodeEnum(&reader, OrderStatus.self)
            return .invalidTransition(orderID: orderID, from: from, to: try decodeEnum(&reader, OrderStatus.self))
        case 305: return .cartEmpty(cartID: try text())
        case 306: return .missingPrice(sku: try text())
        case 307: return .idempotencyConflict(key: try text())
        case 308: return .limitReached(try decodeEnum(&reader, CapacityLimit.self))
        case 309: return .notOwner(entity: try text(), id: try text())
        case 310:
            let sku = try text()
            let currency = try text()
            return .priceMismatch(sku: sku, listed: ListedPrice(currency: currency, unitPriceMinor: try reader.readInt64()))
        case 400: return .busy
        case 401: return .shuttingDown
        case 402: return .journalFailure(reason: try text())
        default: throw DecodingError(offset: offset, reason: "error code \(code) is unknown")
        }
    }

    private static func decodeEnum<Value: RawRepresentable<UInt8>>(_ reader: inout BinaryReader, _: Value.Type) throws
        -> Value
    {
        let offset = reader.offset
        let raw = try reader.readUInt8()
        guard let value = Value(rawValue: raw) else {
            throw DecodingError(offset: offset, reason: "\(Value.self) value \(raw) is unknown")
        }
        return value
    }
}
