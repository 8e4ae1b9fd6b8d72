/// A JSON value as a token header, a claim set or a REST request body holds it.
public enum JSONValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    /// A number not spelt as a plain integer: with a fraction or an exponent
    /// (`1.0`, `1e0`), or `-0`. Integer fields refuse it.
    case fractional
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])
}

/// The one strict JSON parser (RFC 8259) of the code base, for token headers
/// and claims and for REST request bodies: duplicate member names, trailing
/// commas, trailing bytes, invalid UTF-8, unescaped control characters, integers
/// outside 64 bits and nesting deeper than the given depth are refused.
public struct StrictJSON {
    /// Why the bytes are not a JSON object, and the byte offset where that was found.
    public struct Failure: Error, Sendable {
        public var reason: String
        public var offset: Int

        init(reason: String, offset: Int = 0) {
            self.reason = reason
            self.offset = offset
        }
    }

    private let bytes: [UInt8]
    private let depthMax: Int
    private var index = 0

    private init(_ bytes: [UInt8], depthMax: Int) {
        self.bytes = bytes
        self.depthMax = depthMax
    }

    /// The object `bytes` hold, or the reason they are not one.
    /// - Parameter depthMax: the deepest nesting of arrays and objects accepted.
    public static func parseObject(
        _ bytes: [UInt8], depthMax: Int = AuthLimits.jsonDepthMax
    ) throws(Failure) -> [String: JSONValue] {
        var parser = StrictJSON(bytes, depthMax: depthMax)
        do throws(Failure) {
            return try parser.parseTopLevelObject()
        } catch {
            throw Failure(reason: error.reason, offset: parser.index)
        }
    }

    private mutating func parseTopLevelObject() throws(Failure) -> [String: JSONValue] {
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { throw Failure(reason: "not a JSON object") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw Failure(reason: "bytes after the JSON object") }
        guard case .object(let members) = value else { throw Failure(reason: "not a JSON object") }
        return members
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func expect(_ literal: String) throws(Failure) {
        for byte in literal.utf8 {
            guard peek == byte else { throw Failure(reason: "invalid JSON literal") }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= depthMax else { throw Failure(reason: "JSON nested too deeply") }
        skipWhitespace()
        guard let byte = peek else { throw Failure(reason: "JSON ends early") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObjectBody(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw Failure(reason: "unexpected character in JSON")
        }
    }

    private mutating func parseObjectBody(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw Failure(reason: "JSON member name expected") }
            let name = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw Failure(reason: "':' expected in JSON object") }
            index += 1
            let value = try parseValue(depth: depth + 1)
            guard members.updateValue(value, forKey: name) == nil else {
                throw Failure(reason: "duplicate JSON member '\(name.prefix(32))'")
            }
            skipWhitespace()
            guard let separator = peek else { throw Failure(reason: "JSON object ends early") }
            index += 1
            if separator == UInt8(ascii: "}") { return .object(members) }
            guard separator == UInt8(ascii: ",") else { throw Failure(reason: "',' or '}' expected in JSON object") }
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard let separator = peek else { throw Failure(reason: "JSON array ends early") }
            index += 1
            if separator == UInt8(ascii: "]") { return .array(elements) }
            guard separator == UInt8(ascii: ",") else { throw Failure(reason: "',' or ']' expected in JSON array") }
        }
    }

    private mutating func parseNumber() throws(Failure) -> JSONValue {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        let digitCount = index - digitsStart
        guard digitCount > 0 else { throw Failure(reason: "invalid JSON number") }
        guard digitCount == 1 || bytes[digitsStart] != UInt8(ascii: "0") else {
            throw Failure(reason: "JSON number with a leading zero")
        }
        var isFractional = false
        if peek == UInt8(ascii: ".") {
            index += 1
            try skipDigits()
            isFractional = true
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
            isFractional = true
        }
        if isFractional || bytes[start..<index].elementsEqual("-0".utf8) { return .fractional }
        guard let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw Failure(reason: "JSON integer out of range")
        }
        return .integer(value)
    }

    private mutating func skipDigits() throws(Failure) {
        let start = index
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        guard index > start else { throw Failure(reason: "invalid JSON number") }
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek else { throw Failure(reason: "JSON string ends early") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw Failure(reason: "JSON string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"): try parseEscape(into: &utf8)
            case 0..<0x20: throw Failure(reason: "control character in JSON string")
            default: utf8.append(byte)
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(Failure) {
        guard let escaped = peek else { throw Failure(reason: "JSON string ends early") }
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard peek == UInt8(ascii: "\\") else { throw Failure(reason: "unpaired surrogate in JSON string") }
                index += 1
                guard peek == UInt8(ascii: "u") else { throw Failure(reason: "unpaired surrogate in JSON string") }
                index += 1
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw Failure(reason: "unpaired surrogate in JSON string")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                throw Failure(reason: "invalid \\u escape in JSON string")
            }
            utf8.append(contentsOf: String(Character(unicode)).utf8)
        default: throw Failure(reason: "invalid escape in JSON string")
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = Self.hexValue(byte) else { throw Failure(reason: "invalid \\u escape") }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// The value of one ASCII hex digit (either case), or nil.
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
