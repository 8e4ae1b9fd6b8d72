/// Why bytes could not be decoded: where, and what was wrong.
public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset from the start of the buffer where decoding failed.
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "at byte \(offset): \(reason)" }
}

/// Reads what `BinaryWriter` wrote: little-endian integers and length-prefixed
/// strings. Every read checks bounds and throws `DecodingError` — malformed
/// input never traps.
public struct BinaryReader {
    private let bytes: [UInt8]
    public private(set) var offset: Int
    /// One past the last byte this reader may read.
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.init(bytes, range: offset..<bytes.count)
    }

    /// A reader of `range` of `bytes` only (one item of a wire frame, say);
    /// offsets in errors count from the start of `bytes`.
    public init(_ bytes: [UInt8], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range inside the bytes")
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset == end }

    public func error(_ reason: String) -> DecodingError { DecodingError(offset: offset, reason: reason) }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw error("needs \(count) bytes, \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func readUInt8() throws -> UInt8 { try take(1).first! }

    /// The next byte without consuming it.
    public func peekUInt8() throws -> UInt8 {
        guard remaining >= 1 else { throw error("needs 1 byte, 0 left") }
        return bytes[offset]
    }

    public mutating func readBool() throws -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw DecodingError(offset: offset - 1, reason: "boolean byte \(other) is neither 0 nor 1")
        }
    }

    public mutating func readUInt16() throws -> UInt16 {
        try take(2).reversed().reduce(UInt16(0)) { $0 << 8 | UInt16($1) }
    }

    /// The next `count` bytes as they are.
    public mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> { try take(count) }

    public mutating func readUInt32() throws -> UInt32 {
        try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    public mutating func readInt32() throws -> Int32 { Int32(bitPattern: try readUInt32()) }

    public mutating func readUInt64() throws -> UInt64 {
        try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    public mutating func readInt64() throws -> Int64 { Int64(bitPattern: try readUInt64()) }

    /// A UInt32 count, refused above `max` (so a corrupt count cannot make the
    /// caller reserve or loop over absurd sizes).
    public mutating func readCount(max: Int) throws -> Int {
        let start = offset
        let count = Int(try readUInt32())
        guard count <= max else { throw DecodingError(offset: start, reason: "count \(count) exceeds \(max)") }
        return count
    }

    /// A length-prefixed UTF-8 string of at most `maxBytes` bytes.
    public mutating func readString(maxBytes: Int) throws -> String {
        let start = offset
        let length = try readCount(max: maxBytes)
        let slice = try take(length)
        let decoded: String? = slice.withUnsafeBufferPointer { raw in
            // Ids and SKUs are nearly always ASCII, which is valid UTF-8 as it
            // is: decode it without the validating path (generic, and the
            // largest share of decoding a record when it runs).
            var high: UInt8 = 0
            for byte in raw { high |= byte }
            if high < 0x80 { return String(decoding: raw, as: UTF8.self) }
            return String(validating: raw, as: UTF8.self)
        }
        guard let text = decoded else { throw DecodingError(offset: start, reason: "string is not valid UTF-8") }
        return text
    }

    public mutating func readOptionalString(maxBytes: Int) throws -> String? {
        try readBool() ? try readString(maxBytes: maxBytes) : nil
    }

    public mutating func readOptionalInt64() throws -> Int64? {
        try readBool() ? try readInt64() : nil
    }
}
