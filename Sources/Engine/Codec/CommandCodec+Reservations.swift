// Payloads of the reservation commands: reserve (0x20), extendReservation
// (0x21), releaseReservation (0x22), confirmReservation (0x23); the reference
// is also the payload of getReservation (0x82).
extension CommandCodec {
    /// store, reservationID, lines (≤ `Limits.reservationLinesMax`), ttlSeconds, owner?.
    static func encode(_ payload: Reserve, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.reservationID)
        encode(payload.lines, into: &writer)
        writer.write(payload.ttlSeconds)
        writer.write(payload.owner)
    }

    static func decodeReserve(from reader: inout BinaryReader) throws -> Reserve {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let reservationID = try readString(&reader, limit: Limits.reservationIDMaxBytes)
        let lines = try decodeLineRequests(from: &reader, max: Limits.reservationLinesMax)
        let ttlSeconds = try reader.readInt64()
        let owner = try readOptionalString(&reader, limit: Limits.ownerMaxBytes)
        return Reserve(store: store, reservationID: reservationID, lines: lines, ttlSeconds: ttlSeconds, owner: owner)
    }

    /// store, reservationID, ttlSeconds, requestKey?.
    static func encode(_ payload: ExtendReservation, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.reservationID)
        writer.write(payload.ttlSeconds)
        writer.write(payload.requestKey)
    }

    static func decodeExtendReservation(from reader: inout BinaryReader) throws -> ExtendReservation {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let reservationID = try readString(&reader, limit: Limits.reservationIDMaxBytes)
        let ttlSeconds = try reader.readInt64()
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return ExtendReservation(
            store: store, reservationID: reservationID, ttlSeconds: ttlSeconds, requestKey: requestKey)
    }

    /// store, reservationID.
    static func encode(_ payload: ReservationReference, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.reservationID)
    }

    static func decodeReservationReference(from reader: inout BinaryReader) throws -> ReservationReference {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let reservationID = try readString(&reader, limit: Limits.reservationIDMaxBytes)
        return ReservationReference(store: store, reservationID: reservationID)
    }

    /// store, reservationID, terms.
    static func encode(_ payload: ConfirmReservation, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.reservationID)
        encode(payload.terms, into: &writer)
    }

    static func decodeConfirmReservation(from reader: inout BinaryReader) throws -> ConfirmReservation {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let reservationID = try readString(&reader, limit: Limits.reservationIDMaxBytes)
        let terms = try decodeOrderTerms(from: &reader)
        return ConfirmReservation(store: store, reservationID: reservationID, terms: terms)
    }
}
