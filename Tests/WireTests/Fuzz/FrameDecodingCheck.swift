import Engine
import Wire

/// The whole decoding path of one received frame, as a strict peer runs it:
/// `FrameHeader.decode`, `Frame.itemRanges`, then every item by the frame's
/// operation and direction (`Hello`, `EventsRequest`, `CommandCodec.decode(payloadOf:)`
/// for requests; `Frame.replyOutcome` with `HelloReply`, `ServerStats`,
/// `EventCodec`, `ResultCodec` and `ErrorCodec` for replies; `ErrorCodec` and
/// `Frame.frameError` for frame-level errors). Whatever decodes is encoded again
/// with the real encoders and must give back exactly the input bytes.
///
/// Shared by the seeded fuzz test (`WireFuzzTests`) and the libFuzzer target
/// (`Fuzz/WireFrameFuzzer`, built by `scripts/fuzz-wire`), so it imports only
/// Engine and Wire.
enum FrameDecodingCheck {
    enum Verdict: Equatable {
        /// Refused with an error, as a peer would (never a trap).
        case refused(String)
        /// Decoded, and encoding what was decoded gave the same bytes.
        case roundTrips
        /// Decoded, but encoding it again gave other bytes: a codec bug.
        case differs(String)
    }

    /// Why the check stopped before the end: the reason a peer would refuse the frame.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Decodes `bytes` as one whole frame and encodes it again.
    static func check(_ bytes: [UInt8]) -> Verdict {
        let header: FrameHeader
        do {
            header = try FrameHeader.decode(bytes)
        } catch {
            return .refused("header: \(error)")
        }
        var headerAgain: [UInt8] = []
        header.encode(into: &headerAgain)
        guard headerAgain[...] == bytes[0..<WireProtocol.headerBytes] else {
            return .differs("header re-encodes as \(headerAgain), was \(Array(bytes[0..<WireProtocol.headerBytes]))")
        }
        let frame = Frame(header: header, body: Array(bytes[WireProtocol.headerBytes...]))
        var rebuilt = FrameWriter()
        do {
            if header.isReply && header.status != 0 {
                try rebuildErrorFrame(frame, into: &rebuilt)
            } else {
                try rebuildItemFrame(frame, into: &rebuilt)
            }
        } catch let difference as Difference {
            return .differs(difference.description)
        } catch {
            return .refused("\(error)")
        }
        let again = rebuilt.takeBytes()
        guard again == bytes else {
            let firstDifference =
                zip(again, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(again.count, bytes.count)
            return .differs(
                "re-encoded frame has \(again.count) bytes (input \(bytes.count)); first difference at byte \(firstDifference)"
            )
        }
        return .roundTrips
    }

    /// A decoded value that does not match another decoding of the same bytes.
    struct Difference: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Frames of items

    private static func rebuildItemFrame(_ frame: Frame, into rebuilt: inout FrameWriter) throws {
        let header = frame.header
        guard header.isReply || header.status == 0 else {
            throw Refusal(description: "a request with status \(header.status)")
        }
        let ranges = try frame.itemRanges()
        rebuilt.beginFrame(operation: header.operation, requestID: header.requestID, isReply: header.isReply)
        for range in ranges {
            rebuilt.beginItem()
            if header.isReply {
                try rebuildReplyItem(frame, range, into: &rebuilt.writer)
            } else {
                var reader = frame.reader(of: range)
                let encode = try decodeRequest(of: header.operation, from: &reader)
                guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes follow the request") }
                encode(&rebuilt.writer)
            }
            rebuilt.endItem()
        }
        rebuilt.finishFrame()
    }

    /// Writes a decoded value back; returned by the decoders below.
    typealias Encoder = (inout BinaryWriter) -> Void

    /// Decodes one request item of `operation`.
    static func decodeRequest(of operation: WireOperation, from reader: inout BinaryReader) throws -> Encoder {
        switch operation {
        case .hello:
            let hello = try Hello.decode(from: &reader)
            return { hello.encode(into: &$0) }
        case .ping, .stats:
            return { _ in }
        case .events:
            let request = try EventsRequest.decode(from: &reader)
            return { request.encode(into: &$0) }
        default:
            guard let tag = operation.commandTag else { throw Refusal(description: "unknown operation \(operation)") }
            let command = try CommandCodec.decode(payloadOf: tag, from: &reader)
            return { CommandCodec.encodePayload(of: command, into: &$0) }
        }
    }

    /// Decodes the result bytes (after status 0) of a reply item of `operation`.
    static func decodeResult(of operation: WireOperation, from reader: inout BinaryReader) throws -> Encoder {
        switch operation {
        case .hello:
            let reply = try HelloReply.decode(from: &reader)
            return { reply.encode(into: &$0) }
        case .ping:
            return { _ in }
        case .stats:
            let stats = try ServerStats.decode(from: &reader)
            return { stats.encode(into: &$0) }
        case .events:
            let reply = try EventCodec.decodeReply(from: &reader)
            return { EventCodec.encode(reply, into: &$0) }
        default:
            guard operation.commandTag != nil else { throw Refusal(description: "unknown operation \(operation)") }
            let result = try ResultCodec.decode(from: &reader)
            return { ResultCodec.encode(result, into: &$0) }
        }
    }

    private static func rebuildReplyItem(_ frame: Frame, _ range: Range<Int>, into writer: inout BinaryWriter) throws {
        let operation = frame.header.operation
        switch try frame.replyOutcome(of: range, decodeResult: { try decodeResult(of: operation, from: &$0) }) {
        case .success(let encode):
            writer.write(ReplyStatus.ok.rawValue)
            encode(&writer)
        case .failure(let error):
            var reader = frame.reader(of: range)
            _ = try reader.readUInt8()
            let message = try originalMessage(&reader)
            writer.write(ReplyStatus.error.rawValue)
            encode(error, message: message, into: &writer)
        }
    }

    // MARK: Frame-level errors

    /// A frame-level error reply: no items, the error as the body, its code as the status.
    private static func rebuildErrorFrame(_ frame: Frame, into rebuilt: inout FrameWriter) throws {
        let header = frame.header
        guard header.itemCount == 0 else { throw Refusal(description: "an error frame with \(header.itemCount) items") }
        guard frame.body.count == Int(header.bodyLength), WireProtocol.checksum(frame.body) == header.bodyChecksum
        else {
            throw Refusal(description: "error frame body length or checksum does not match")
        }
        var reader = BinaryReader(frame.body)
        let error = try ErrorCodec.decode(from: &reader)
        guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes follow the error") }
        guard error.code == header.status else {
            throw Refusal(description: "status \(header.status) but the body holds error \(error.code)")
        }
        guard frame.frameError() == error else {
            throw Difference(description: "Frame.frameError() gives \(frame.frameError()), ErrorCodec \(error)")
        }
        var messageReader = BinaryReader(frame.body)
        let message = try originalMessage(&messageReader)
        rebuilt.beginFrame(operation: header.operation, requestID: header.requestID, isReply: true)
        encode(error, message: message, into: &rebuilt.writer)
        rebuilt.finishFrame(status: error.code)
    }

    // MARK: Error messages

    /// The message of an encoded error (`u16 code`, `string message`, …) at `reader`.
    private static func originalMessage(_ reader: inout BinaryReader) throws -> String {
        _ = try reader.readUInt16()
        return try reader.readString(maxBytes: ErrorCodec.textMaxBytes)
    }

    /// `ErrorCodec.encode` with `message` in place of the one it writes: the
    /// message is for people and an engine error's is not kept by decoding.
    static func encode(_ error: WireError, message: String, into writer: inout BinaryWriter) {
        var canonical = BinaryWriter()
        ErrorCodec.encode(error, into: &canonical)
        let canonicalMessage: String
        switch error {
        case .engine(let engineError): canonicalMessage = engineError.description
        case .protocolViolation(_, let text): canonicalMessage = text
        }
        writer.write(error.code)
        writer.write(message)
        writer.write(contentsOf: canonical.bytes.dropFirst(2 + 4 + canonicalMessage.utf8.count))
    }

    // MARK: Fuzzer input

    /// The frame a fuzzer input stands for: the bytes after the first, as they
    /// are when the first byte is even; with the header's body length and both
    /// checksums made right when it is odd, so mutations reach the item decoders.
    static func frame(fromFuzzInput input: [UInt8]) -> [UInt8] {
        guard let mode = input.first else { return [] }
        var bytes = Array(input.dropFirst())
        if mode & 1 == 1 { repairLengthAndChecksums(&bytes) }
        return bytes
    }

    /// Sets the body length and both checksums of a frame to match its bytes.
    static func repairLengthAndChecksums(_ bytes: inout [UInt8]) {
        guard bytes.count >= WireProtocol.headerBytes else { return }
        let header = WireProtocol.headerBytes
        put(UInt32(bytes.count - header), at: 16, in: &bytes)
        put(WireProtocol.checksum(bytes[header...]), at: 20, in: &bytes)
        put(WireProtocol.checksum(bytes[0..<28]), at: 28, in: &bytes)
    }

    private static func put(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
