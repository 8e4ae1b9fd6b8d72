import Engine
import Wire

/// Writes one connection's `reserve` payloads from bytes built once. An item
/// is assembled in a scratch buffer with raw stores — the store and id
/// prefix copied, the id's sequence number and each SKU's name formatted,
/// the fixed fields stored — and appended to the frame in
/// one copy, so a request costs no allocation, retain or string work.
/// The bytes equal `CommandCodec.encodePayload` of the same `Reserve`.
struct ReservationEncoder: Sendable {
    let catalog: SKUCatalog
    let ttlSeconds: Int64
    /// The store as a wire string, the id's length and its prefix.
    private let head: [UInt8]
    let idPrefix: [UInt8]

    /// Hexadecimal digits of the sequence number in every reservation id.
    static let sequenceDigits = 12
    /// Per line after the SKU: location absent (1 byte), quantity (8 bytes).
    private static let lineTailBytes = 9
    /// After the lines: the TTL (8 bytes), owner absent (1 byte).
    private static let reservationTailBytes = 9

    init(store: String, catalog: SKUCatalog, ttlSeconds: Int64, idPrefix: String) {
        self.catalog = catalog
        self.ttlSeconds = ttlSeconds
        self.idPrefix = Array(idPrefix.utf8)
        var writer = BinaryWriter()
        writer.write(store)
        writer.write(UInt32(self.idPrefix.count + Self.sequenceDigits))
        writer.write(contentsOf: self.idPrefix)
        head = writer.takeBytes()
    }

    /// Bytes of scratch space `writeItems` needs for reservations of `lines` lines.
    func scratchBytes(lines: Int) -> Int {
        head.count + Self.sequenceDigits + 4 + lines * (4 + SKUCatalog.nameBytesMax + Self.lineTailBytes)
            + Self.reservationTailBytes
    }

    /// Appends one item per reservation: reservation `i` has sequence number
    /// `firstSequence + i` and one unit of each SKU in `skus[i * lines ..< (i + 1) * lines]`.
    func writeItems(
        firstSequence: UInt64, skus: [Int32], lines: Int, into frame: inout FrameWriter, scratch: inout [UInt8]
    ) {
        precondition(lines >= 1 && skus.count % lines == 0 && scratch.count >= scratchBytes(lines: lines))
        let ttl = UInt64(bitPattern: ttlSeconds).littleEndian
        let catalog = self.catalog
        head.withUnsafeBytes { head in
            skus.withUnsafeBufferPointer { skus in
                scratch.withUnsafeMutableBytes { item in
                    for reservation in 0..<skus.count / lines {
                        item.copyMemory(from: head)
                        var end = head.count
                        Self.storeHexadecimal(firstSequence + UInt64(reservation), into: item, at: end)
                        end += Self.sequenceDigits
                        item.storeBytes(of: UInt32(lines).littleEndian, toByteOffset: end, as: UInt32.self)
                        end += 4
                        for line in 0..<lines {
                            end += catalog.storeName(of: Int(skus[reservation * lines + line]), into: item, at: end)
                            item[end] = 0
                            item.storeBytes(of: UInt64(1).littleEndian, toByteOffset: end + 1, as: UInt64.self)
                            end += Self.lineTailBytes
                        }
                        item.storeBytes(of: ttl, toByteOffset: end, as: UInt64.self)
                        item[end + 8] = 0
                        end += Self.reservationTailBytes
                        frame.beginItem()
                        frame.writer.write(contentsOf: UnsafeRawBufferPointer(rebasing: item[0..<end]))
                        frame.endItem()
                    }
                }
            }
        }
    }

    /// The reservation id of `sequence` for ids starting with `prefix`.
    static func reservationID(prefix: String, sequence: UInt64) -> String {
        var digits = [UInt8](repeating: 0, count: sequenceDigits)
        digits.withUnsafeMutableBytes { storeHexadecimal(sequence, into: $0, at: 0) }
        return prefix + String(decoding: digits, as: UTF8.self)
    }

    /// Appends the reservation id of `sequence` as a wire string.
    static func writeID(prefix: [UInt8], sequence: UInt64, into writer: inout BinaryWriter) {
        writer.write(UInt32(prefix.count + sequenceDigits))
        writer.write(contentsOf: prefix)
        var digits: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &digits) { storeHexadecimal(sequence, into: $0, at: 0) }
        withUnsafeBytes(of: &digits) { raw in
            writer.write(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<sequenceDigits]))
        }
    }

    /// `value` as `sequenceDigits` lower-case hexadecimal digits at `offset`.
    @inline(__always)
    private static func storeHexadecimal(_ value: UInt64, into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        var remaining = value
        for position in stride(from: offset + sequenceDigits - 1, through: offset, by: -1) {
            let digit = UInt8(truncatingIfNeeded: remaining & 0xF)
            bytes[position] = digit < 10 ? 0x30 + digit : 0x57 + digit
            remaining >>= 4
        }
    }
}
