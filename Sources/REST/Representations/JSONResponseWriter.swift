import NIOCore

/// A response body written straight into a `ByteBuffer`: the bytes
/// `JSONOutput.encode` gives (sorted keys, slashes unescaped, a final newline)
/// without `JSONEncoder`'s boxing and key sorting on every request. A view
/// writes its own fields, in key order; `JSONResponseWriterTests` holds each
/// view to `JSONEncoder`'s output.
struct JSONResponseWriter {
    private(set) var buffer: ByteBuffer
    /// A value has been written at this level: the next one needs a comma.
    private var needsComma = false

    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// The document of `value`, with the final newline.
    static func document(_ value: some JSONWritable) -> ByteBuffer {
        var writer = JSONResponseWriter()
        value.writeJSON(to: &writer)
        writer.buffer.writeInteger(UInt8(ascii: "\n"))
        return writer.buffer
    }

    // MARK: Containers

    mutating func object(_ body: (inout JSONResponseWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    mutating func array<Elements: Sequence>(_ elements: Elements) where Elements.Element: JSONWritable {
        open(UInt8(ascii: "["))
        for element in elements { element.writeJSON(to: &self) }
        close(UInt8(ascii: "]"))
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        buffer.writeInteger(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        buffer.writeInteger(bracket)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    // MARK: Fields

    /// A member's name; its value comes next. Names are ASCII identifiers, never escaped.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Left out when nil, as `JSONEncoder` leaves out a nil optional.
    mutating func field(_ name: StaticString, _ value: String?) {
        if let value { field(name, value) }
    }

    mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        integer(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        buffer.writeStaticString(value ? "true" : "false")
        needsComma = true
    }

    mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.writeJSON(to: &self)
    }

    mutating func field<Elements: Sequence>(_ name: StaticString, array elements: Elements)
    where Elements.Element: JSONWritable {
        key(name)
        array(elements)
    }

    // MARK: Values

    /// A JSON string, escaped as `JSONEncoder` escapes: quote, backslash and
    /// control characters; all else (slashes, non-ASCII) as UTF-8 bytes.
    mutating func string(_ value: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            buffer.writeString(value)
        } else {
            for byte in value.utf8 { writeEscaped(byte) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case 0x0A: buffer.writeStaticString("\\n")
        case 0x0D: buffer.writeStaticString("\\r")
        case 0x09: buffer.writeStaticString("\\t")
        case 0x08: buffer.writeStaticString("\\b")
        case 0x0C: buffer.writeStaticString("\\f")
        case 0x00..<0x20:
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(Self.hexDigits[Int(byte >> 4)])
            buffer.writeInteger(Self.hexDigits[Int(byte & 0xF)])
        default: buffer.writeInteger(byte)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A decimal integer, written without an intermediate `String`.
    mutating func integer(_ value: Int64) {
        separate()
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.writeBytes(UnsafeMutableBufferPointer(rebasing: digits[start...]))
        }
        needsComma = true
    }
}

/// A response view that writes its own JSON (`JSONResponseWriter`), keys in sorted order.
protocol JSONWritable {
    func writeJSON(to writer: inout JSONResponseWriter)
}
