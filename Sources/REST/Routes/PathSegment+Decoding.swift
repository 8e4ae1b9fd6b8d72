import Auth

extension PathSegment {
    /// The bytes a percent-encoded path segment stands for, as UTF-8 text,
    /// byte for byte: nothing is dropped (a byte order mark stays), nothing is
    /// normalised. Nil if a `%` is not followed by two hex digits or the bytes
    /// are not UTF-8.
    static func decode(_ encoded: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.utf8.count)
        var iterator = encoded.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(StrictJSON.hexValue),
                let low = iterator.next().flatMap(StrictJSON.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
