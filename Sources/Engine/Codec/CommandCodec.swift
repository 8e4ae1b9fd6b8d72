/// The canonical bytes of a `Command` and of a `LogRecord`, shared by the
/// write-ahead log and the wire protocol. The layout is documented, field by
/// field, in `docs/wire-protocol.md` ("Command payloads"); the log record
/// around a command in `docs/storage-format.md` ("Log record").
///
/// A command is its one-byte `Tag`, then every field of its payload in
/// declaration order: integers little-endian, strings as a `UInt32` byte length
/// and the UTF-8 bytes, optionals as a presence byte (0 or 1) and the value,
/// arrays as a `UInt32` count and the elements. There is no padding and no
/// length prefix: the encoding ends where its last field ends.
///
/// Decoding checks structure, never semantics: every read is bounds-checked,
/// array counts are refused above the `Limits` of their field, strings above
/// `stringBoundFactor` times their identifier limit, and unknown tags or
/// booleans other than 0 and 1 are refused — each with a `DecodingError`
/// carrying the byte offset. Malformed input never traps. Whether the values
/// make sense (an empty store id, a negative quantity) is for the state machine
/// to answer. Decoding reads exactly the bytes encoding wrote, so
/// `encode(decode(bytes)) == bytes` for every input that decodes.
public enum CommandCodec {
    /// The first byte of every encoded command, naming its kind.
    ///
    /// Stable: a tag is never renumbered and never reused, even when its command
    /// is retired. `0x00` is never a tag, so zeroed (preallocated, unwritten)
    /// bytes never decode as a command. Mutations are grouped by facet in the
    /// low half; queries, which are never logged, have the high bit set.
    public enum Tag: UInt8, CaseIterable, Sendable {
        case advanceTime = 0x01

        case setStock = 0x10
        case adjustStock = 0x11
        case setLocationPriority = 0x12
        case setPrice = 0x13

        case reserve = 0x20
        case extendReservation = 0x21
        case releaseReservation = 0x22
        case confirmReservation = 0x23

        case configureCart = 0x30
        case addCartItem = 0x31
        case setCartItem = 0x32
        case removeCartItem = 0x33
        case clearCart = 0x34
        case checkoutCart = 0x35

        case placeOrder = 0x40
        case payOrder = 0x41
        case fulfillOrder = 0x42
        case cancelOrder = 0x43

        case getStock = 0x80
        case checkAvailability = 0x81
        case getReservation = 0x82
        case getCart = 0x83
        case getOrder = 0x84
        case listOrders = 0x85
        case getPrice = 0x86

        /// Whether the tag names a query (high bit set): never logged.
        public var isQuery: Bool { rawValue & 0x80 != 0 }
    }

    // MARK: Commands

    /// Appends the canonical bytes of `command`: its tag, then its payload.
    ///
    /// Encodes any command, even one that decoding will refuse because an array
    /// is longer than its limit (the state machine never logs such a command).
    public static func encode(_ command: Command, into writer: inout BinaryWriter) {
        writer.write(tag(of: command).rawValue)
        encodePayload(of: command, into: &writer)
    }

    /// The canonical bytes of `command`.
    public static func encode(_ command: Command) -> [UInt8] {
        var writer = BinaryWriter(reservingCapacity: 64)
        encode(command, into: &writer)
        return writer.bytes
    }

    /// Reads one command from `reader`, leaving it just past the command's last byte.
    ///
    /// - Throws: `DecodingError` with the offset of the first byte that is
    ///   missing or malformed; `reader` is then left somewhere inside the command.
    public static func decode(from reader: inout BinaryReader) throws(DecodingError) -> Command {
        try typed(&reader) { reader in try decodeCommand(from: &reader) }
    }

    /// Decodes a buffer that holds exactly one command.
    ///
    /// - Throws: `DecodingError` if the command is malformed or bytes follow it.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Command {
        var reader = BinaryReader(bytes)
        let command = try decode(from: &reader)
        try expectEnd(of: reader)
        return command
    }

    /// The tag `command` is encoded with.
    public static func tag(of command: Command) -> Tag {
        switch command {
        case .advanceTime: .advanceTime
        case .setStock: .setStock
        case .adjustStock: .adjustStock
        case .setLocationPriority: .setLocationPriority
        case .setPrice: .setPrice
        case .reserve: .reserve
        case .extendReservation: .extendReservation
        case .releaseReservation: .releaseReservation
        case .confirmReservation: .confirmReservation
        case .configureCart: .configureCart
        case .addCartItem: .addCartItem
        case .setCartItem: .setCartItem
        case .removeCartItem: .removeCartItem
        case .clearCart: .clearCart
        case .checkoutCart: .checkoutCart
        case .placeOrder: .placeOrder
        case .payOrder: .payOrder
        case .fulfillOrder: .fulfillOrder
        case .cancelOrder: .cancelOrder
        case .getStock: .getStock
        case .checkAvailability: .checkAvailability
        case .getReservation: .getReservation
        case .getCart: .getCart
        case .getOrder: .getOrder
        case .listOrders: .listOrders
        case .getPrice: .getPrice
        }
    }

    // MARK: Log records

    /// The byte that, where a command's tag would be, says a customer caller
    /// follows (its id as a string), then the command. Never a command tag.
    public static let customerCallerMarker: UInt8 = 0xC0

    /// Appends the canonical bytes of `record`: LSN (`UInt64`), timestamp
    /// (`Int64`), for a customer caller the marker `0xC0` and the customer id,
    /// then the command. A service caller's record has no marker, so records
    /// written before callers existed read as service records.
    public static func encode(_ record: LogRecord, into writer: inout BinaryWriter) {
        writer.write(record.lsn)
        writer.write(record.timestamp)
        if let customer = record.caller.customerID {
            writer.write(customerCallerMarker)
            writer.write(customer)
        }
        if let payload = record.receivedPayload {
            writer.write(tag(of: record.command).rawValue)
            writer.write(contentsOf: payload)
        } else {
            encode(record.command, into: &writer)
        }
    }

    /// The canonical bytes of `record`.
    public static func encode(_ record: LogRecord) -> [UInt8] {
        var writer = BinaryWriter(reservingCapacity: 80)
        encode(record, into: &writer)
        return writer.bytes
    }

    /// Reads one log record from `reader`, leaving it just past the record's last byte.
    ///
    /// - Throws: `DecodingError` with the offset of the first missing or malformed byte.
    public static func decodeLogRecord(from reader: inout BinaryReader) throws(DecodingError) -> LogRecord {
        try typed(&reader) { reader in
            let lsn = try reader.readUInt64()
            let timestamp = try reader.readInt64()
            var caller = Caller.service
            if reader.remaining > 0, try reader.peekUInt8() == customerCallerMarker {
                _ = try reader.readUInt8()
                caller = .customer(try readString(&reader, limit: Limits.customerIDMaxBytes))
            }
            let command = try decodeCommand(from: &reader)
            return LogRecord(lsn: lsn, timestamp: timestamp, command: command, caller: caller)
        }
    }

    /// Decodes a buffer that holds exactly one log record.
    ///
    /// - Throws: `DecodingError` if the record is malformed or bytes follow it.
    public static func decodeLogRecord(_ bytes: [UInt8]) throws(DecodingError) -> LogRecord {
        var reader = BinaryReader(bytes)
        let record = try decodeLogRecord(from: &reader)
        try expectEnd(of: reader)
        return record
    }

    // MARK: Helpers

    /// Runs an untyped-throwing decoder (`BinaryReader` throws untyped) and
    /// narrows what it throws to `DecodingError`.
    static func typed<Value>(
        _ reader: inout BinaryReader, _ body: (inout BinaryReader) throws -> Value
    ) throws(DecodingError) -> Value {
        do {
            return try body(&reader)
        } catch let error as DecodingError {
            throw error
        } catch {
            throw reader.error("\(error)")
        }
    }

    static func expectEnd(of reader: BinaryReader) throws(DecodingError) {
        guard reader.isAtEnd else {
            throw reader.error("\(reader.remaining) bytes follow the end of the encoding")
        }
    }
}
