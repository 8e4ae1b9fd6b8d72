import Engine

/// Writes `reserve` payloads from bytes built once: the store, each SKU's name
/// and the fixed tail (no location, one unit, the TTL, no owner) are copied,
/// and only the reservation id's sequence number is formatted per request.
/// The bytes equal `CommandCodec.encodePayload` of the same `Reserve`.
struct ReservationEncoder: Sendable {
    let catalog: SKUCatalog
    private let storeBytes: [UInt8]
    /// After a line's SKU: location absent, quantity 1.
    private let lineTail: [UInt8]
    /// After the lines: the TTL, owner absent.
    private let reservationTail: [UInt8]

    /// Hexadecimal digits of the sequence number in every reservation id.
    static let sequenceDigits = 12

    init(store: String, catalog: SKUCatalog, ttlSeconds: Int64) {
        self.catalog = catalog
        var writer = BinaryWriter()
        writer.write(store)
        storeBytes = writer.takeBytes()
        writer.write(String?.none)
        writer.write(Int64(1))
        lineTail = writer.takeBytes()
        writer.write(ttlSeconds)
        writer.write(String?.none)
        reservationTail = writer.takeBytes()
    }

    /// The reservation id of `sequence` on the connection whose id starts with `prefix`.
    static func reservationID(prefix: String, sequence: UInt64) -> String {
        var writer = BinaryWriter()
        writeID(prefix: Array(prefix.utf8), sequence: sequence, into: &writer)
        var reader = BinaryReader(writer.bytes)
        return (try? reader.readString(maxBytes: Limits.reservationIDMaxBytes)) ?? ""
    }

    /// Appends one `reserve` payload: one unit of each SKU in `skus`.
    @inline(__always)
    func writeReserve(idPrefix: [UInt8], sequence: UInt64, skus: UnsafeBufferPointer<Int32>, into writer: inout BinaryWriter) {
        writer.write(contentsOf: storeBytes)
        Self.writeID(prefix: idPrefix, sequence: sequence, into: &writer)
        writer.write(count: skus.count)
        for sku in skus {
            catalog.writeName(of: Int(sku), into: &writer)
            writer.write(contentsOf: lineTail)
        }
        writer.write(contentsOf: reservationTail)
    }

    /// A wire string: `prefix` and `sequence` in fixed-width lower-case hexadecimal.
    @inline(__always)
    static func writeID(prefix: [UInt8], sequence: UInt64, into writer: inout BinaryWriter) {
        writer.write(UInt32(prefix.count + sequenceDigits))
        writer.write(contentsOf: prefix)
        var digits: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            var remaining = sequence
            for position in stride(from: sequenceDigits - 1, through: 0, by: -1) {
                let digit = UInt8(truncatingIfNeeded: remaining & 0xF)
                raw[position] = digit < 10 ? 0x30 + digit : 0x57 + digit
                remaining >>= 4
            }
        }
        withUnsafeBytes(of: &digits) { raw in
            writer.write(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<sequenceDigits]))
        }
    }
}
