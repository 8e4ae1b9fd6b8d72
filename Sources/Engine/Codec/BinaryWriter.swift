/// Appends little-endian integers and length-prefixed strings to a byte buffer.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer but keeps its storage, to encode the next value without allocating.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Overwrites 4 bytes written earlier (a length or checksum filled in afterwards).
    public mutating func overwrite(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count)
        withUnsafeBytes(of: value.littleEndian) { raw in
            for index in 0..<4 { bytes[offset + index] = raw[index] }
        }
    }

    /// Runs `body` over bytes written earlier, to fill them in place.
    public mutating func withUnsafeMutableBytes<Result>(
        in range: Range<Int>, _ body: (UnsafeMutableRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count)
        return try bytes.withUnsafeMutableBytes { raw in try body(UnsafeMutableRawBufferPointer(rebasing: raw[range])) }
    }

    /// Hands the bytes over and leaves the writer empty.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    /// Appends raw bytes as they are (no length prefix).
    public mutating func write(contentsOf raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    public mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Int32) { write(UInt32(bitPattern: value)) }

    public mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }

    public mutating func write(count: Int) { write(UInt32(count)) }

    /// A UInt32 byte length, then the UTF-8 bytes.
    public mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            write(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func write(_ text: String?) {
        write(text != nil)
        if let text { write(text) }
    }

    public mutating func write(_ value: Int64?) {
        write(value != nil)
        if let value { write(value) }
    }
}
