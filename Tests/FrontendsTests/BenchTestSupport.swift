import Engine
import Wire

@testable import holdfast

/// Frames for the bench's unit tests: what a source writes, and replies as a server would send them.
enum BenchTestFrames {
    /// Runs `write` on a fresh frame and decodes its items as commands of `tag`.
    static func commands(written write: (inout FrameWriter) -> Void, tag: CommandCodec.Tag) throws -> [Command] {
        var writer = FrameWriter()
        writer.beginFrame(operation: WireOperation(command: tag), requestID: 1, isReply: false)
        write(&writer)
        writer.finishFrame()
        let frame = try frame(from: writer.takeBytes())
        return try frame.itemRanges().map { range in
            var reader = frame.reader(of: range)
            return try CommandCodec.decode(payloadOf: tag, from: &reader)
        }
    }

    /// A reply frame with one item per outcome.
    static func reply(operation: WireOperation, outcomes: [Outcome]) throws -> Frame {
        var writer = FrameWriter()
        writer.beginFrame(operation: operation, requestID: 1, isReply: true)
        for outcome in outcomes { writer.outcomeItem(outcome) }
        writer.finishFrame()
        return try frame(from: writer.takeBytes())
    }

    /// A frame-level error reply.
    static func errorReply(_ error: WireError, operation: WireOperation) throws -> Frame {
        var writer = FrameWriter()
        writer.errorFrame(error, operation: operation, requestID: 1)
        return try frame(from: writer.takeBytes())
    }

    static func frame(from bytes: [UInt8]) throws -> Frame {
        let header = try FrameHeader.decode(bytes)
        return Frame(header: header, body: Array(bytes[WireProtocol.headerBytes...]))
    }
}
