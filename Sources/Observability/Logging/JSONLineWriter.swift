import Glibc

/// Builds one JSON object as UTF-8 bytes, field by field.
struct JSONLineWriter {
    /// Longest string value kept, in UTF-8 bytes; longer ones are cut at a
    /// character boundary and marked, so one line stays bounded.
    static let stringBytesMax = 8_192

    private(set) var bytes: [UInt8] = []
    private var fieldCount = 0

    init() {
        bytes.reserveCapacity(256)
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func key(_ name: String) {
        if fieldCount > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldCount += 1
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        appendString(value)
    }

    /// A JSON string: quotes, backslashes and control characters escaped;
    /// everything else passes through as UTF-8.
    mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = Array(value.utf8)
        var truncated = false
        if utf8.count > Self.stringBytesMax {
            var end = Self.stringBytesMax
            while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a character
            utf8.removeSubrange(end...)
            truncated = true
        }
        for byte in utf8 { appendEscaped(byte) }
        if truncated { bytes.append(contentsOf: Array("…(truncated)".utf8)) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x00..<0x20, 0x7F:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: bytes.append(byte)
        }
    }

    /// A bare JSON token (number, `true`, `false`, `null`), already valid.
    mutating func appendRaw(_ token: String) {
        bytes.append(contentsOf: Array(token.utf8))
    }

    mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }

    /// Closes the object and ends the line.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        return bytes
    }

    /// RFC 3339 UTC with milliseconds: `2026-11-21T10:16:34.123Z`.
    static func timestamp(seconds: Int, nanoseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(nanoseconds / 1_000_000), 3) + "Z"
    }
}
