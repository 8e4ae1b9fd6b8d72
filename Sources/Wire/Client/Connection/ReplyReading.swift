/// Reads reply frames received through `WireConnection.send`: checks that the
/// frame answers the request, turns a frame-level error into a typed error, and
/// decodes the reply items.
public enum ReplyReading {
    /// The item ranges of a reply to a request of `operation` with `itemCount` items.
    ///
    /// - Throws: the frame-level error the reply carries (`protocolError`, or
    ///   `engine` for a refusal of the whole frame), or `unexpectedReply` when the
    ///   frame does not answer such a request.
    public static func itemRanges(_ frame: Frame, operation: WireOperation, itemCount: Int) throws(HoldfastClientError)
        -> [Range<Int>]
    {
        let header = frame.header
        guard header.isReply else { throw .unexpectedReply("a request frame arrived where a reply was expected") }
        guard header.status == 0 else { throw HoldfastClientError(frame.frameError()) }
        guard header.operation == operation else {
            throw .unexpectedReply("a \(header.operation) reply answered a \(operation) request \(header.requestID)")
        }
        let ranges: [Range<Int>]
        do {
            ranges = try frame.itemRanges()
        } catch {
            throw HoldfastClientError(error)
        }
        guard ranges.count == itemCount else {
            throw .unexpectedReply("\(ranges.count) reply items answered \(itemCount) \(operation) request items")
        }
        return ranges
    }

    /// The outcome of each command of a command frame, in request order.
    ///
    /// - Throws: as `itemRanges`; a reply item that cannot be decoded is `unexpectedReply`.
    public static func commandOutcomes(_ frame: Frame, operation: WireOperation, itemCount: Int)
        throws(HoldfastClientError)
        -> [Result<CommandResult, HoldfastClientError>]
    {
        let ranges = try itemRanges(frame, operation: operation, itemCount: itemCount)
        var outcomes: [Result<CommandResult, HoldfastClientError>] = []
        outcomes.reserveCapacity(ranges.count)
        for range in ranges {
            let outcome: Result<CommandResult, WireError>
            do {
                outcome = try frame.replyOutcome(of: range) { reader in try ResultCodec.decode(from: &reader) }
            } catch {
                throw .unexpectedReply("\(operation) reply item: \(error)")
            }
            outcomes.append(outcome.mapError(HoldfastClientError.init))
        }
        return outcomes
    }

    /// The value of a one-item reply (hello, ping, events, stats).
    ///
    /// - Throws: as `itemRanges`; the item's error; `unexpectedReply` if it cannot be decoded.
    public static func single<Value>(
        _ frame: Frame, operation: WireOperation, decode: (inout BinaryReader) throws -> Value
    ) throws(HoldfastClientError) -> Value {
        let ranges = try itemRanges(frame, operation: operation, itemCount: 1)
        let outcome: Result<Value, WireError>
        do {
            outcome = try frame.replyOutcome(of: ranges[0], decodeResult: decode)
        } catch {
            throw .unexpectedReply("\(operation) reply: \(error)")
        }
        return try outcome.mapError(HoldfastClientError.init).get()
    }
}
