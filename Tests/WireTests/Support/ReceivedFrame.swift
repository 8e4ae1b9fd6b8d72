import Engine
import Wire

/// Reads one whole frame the way a peer does: header, then body, then items.
enum ReceivedFrame {
    /// The frame in `bytes` (exactly one) and the ranges of its items.
    static func read(_ bytes: [UInt8]) throws(WireError) -> (frame: Frame, items: [Range<Int>]) {
        let header = try FrameHeader.decode(bytes)
        let frame = Frame(header: header, body: Array(bytes.dropFirst(WireProtocol.headerBytes)))
        return (frame, try frame.itemRanges())
    }

    /// The one item of a reply frame, read by `decodeResult` after status 0.
    static func onlyReplyItem<Value>(
        _ bytes: [UInt8], decodeResult: (inout BinaryReader) throws -> Value
    ) throws -> Result<Value, WireError> {
        let (frame, items) = try read(bytes)
        guard items.count == 1 else { throw WireError.protocolViolation(.itemCountOutOfRange, "\(items.count) items") }
        return try frame.replyOutcome(of: items[0], decodeResult: decodeResult)
    }

    /// Decodes a request item with `decode`, requiring it to use every byte.
    static func decodeItem<Value>(
        _ frame: Frame, _ range: Range<Int>, _ decode: (inout BinaryReader) throws -> Value
    ) throws -> Value {
        var reader = frame.reader(of: range)
        let value = try decode(&reader)
        guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes follow the item") }
        return value
    }
}
