import Engine

/// A received frame: its checked header and its body.
public struct Frame: Sendable {
    public var header: FrameHeader
    public var body: [UInt8]

    public init(header: FrameHeader, body: [UInt8]) {
        self.header = header
        self.body = body
    }

    /// Checks the body against the header's length and checksum and finds its
    /// items: each a `u32` length and that many bytes, exactly `itemCount` of
    /// them, filling the body.
    ///
    /// - Throws: `checksumMismatch` or `malformedFrame`.
    public func itemRanges() throws(WireError) -> [Range<Int>] {
        guard body.count == Int(header.bodyLength) else {
            throw .protocolViolation(.malformedFrame, "body has \(body.count) bytes; the header says \(header.bodyLength)")
        }
        let computed = WireProtocol.checksum(body)
        guard computed == header.bodyChecksum else {
            throw .protocolViolation(
                .checksumMismatch, "body checksum \(header.bodyChecksum) does not match \(computed) (request \(header.requestID))")
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(Int(header.itemCount))
        var offset = 0
        for index in 0..<Int(header.itemCount) {
            guard body.count - offset >= 4 else {
                throw .protocolViolation(.malformedFrame, "item \(index) of \(header.itemCount) is missing (body ends at \(offset))")
            }
            let length = body.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
            offset += 4
            guard length <= body.count - offset else {
                throw .protocolViolation(.malformedFrame, "item \(index) claims \(length) bytes; \(body.count - offset) remain")
            }
            ranges.append(offset..<offset + length)
            offset += length
        }
        guard offset == body.count else {
            throw .protocolViolation(.malformedFrame, "\(body.count - offset) bytes follow the last item")
        }
        return ranges
    }

    /// A reader of one item.
    public func reader(of range: Range<Int>) -> BinaryReader { BinaryReader(body, range: range) }
}

/// What a reply item says: the operation's result bytes, or an error.
public enum ReplyStatus: UInt8, Sendable {
    case ok = 0
    case error = 1
}

extension FrameWriter {
    /// Writes a successful command reply item: status 0, then the result.
    public mutating func resultItem(_ result: CommandResult) {
        item { writer in
            writer.write(ReplyStatus.ok.rawValue)
            ResultCodec.encode(result, into: &writer)
        }
    }

    /// Writes an error reply item: status 1, then the error.
    public mutating func errorItem(_ error: WireError) {
        item { writer in
            writer.write(ReplyStatus.error.rawValue)
            ErrorCodec.encode(error, into: &writer)
        }
    }

    /// Writes a reply item for an engine outcome.
    public mutating func outcomeItem(_ outcome: Outcome) {
        switch outcome {
        case .success(let result): resultItem(result)
        case .failure(let error): errorItem(.engine(error))
        }
    }

    /// Writes a whole frame-level error reply: status = the code, no items, the
    /// error as the body.
    public mutating func errorFrame(_ error: WireError, operation: WireOperation, requestID: UInt64) {
        beginFrame(operation: operation, requestID: requestID, isReply: true)
        ErrorCodec.encode(error, into: &writer)
        finishFrame(status: error.code)
    }

    /// Writes a command request frame: one item per command, each its payload.
    /// Every command must have the same operation (`WireOperation(of:)`).
    public mutating func commandFrame(_ commands: some Collection<Command>, requestID: UInt64) {
        precondition(!commands.isEmpty, "a frame carries at least one command")
        let operation = WireOperation(of: commands.first!)
        beginFrame(operation: operation, requestID: requestID, isReply: false)
        for command in commands {
            precondition(WireOperation(of: command) == operation, "one kind of command per frame")
            item { writer in CommandCodec.encodePayload(of: command, into: &writer) }
        }
        finishFrame()
    }
}

extension Frame {
    /// Reads a reply item: the result bytes after status 0 are left to `decodeResult`.
    public func replyOutcome<Value>(
        of range: Range<Int>, decodeResult: (inout BinaryReader) throws -> Value
    ) throws(WireError) -> Result<Value, WireError> {
        var reader = reader(of: range)
        do {
            let status = try reader.readUInt8()
            switch ReplyStatus(rawValue: status) {
            case .ok:
                let value = try decodeResult(&reader)
                try Frame.expectEnd(reader)
                return .success(value)
            case .error:
                let error = try ErrorCodec.decode(from: &reader)
                try Frame.expectEnd(reader)
                return .failure(error)
            case nil:
                throw DecodingError(offset: reader.offset - 1, reason: "reply status \(status) is unknown")
            }
        } catch let error as WireError {
            throw error
        } catch {
            throw .protocolViolation(.malformedFrame, "reply item: \(error)")
        }
    }

    /// The error carried by a frame-level error reply (status ≠ 0).
    public func frameError() -> WireError {
        var reader = BinaryReader(body)
        if let error = try? ErrorCodec.decode(from: &reader) { return error }
        return .protocolViolation(
            ProtocolErrorCode(rawValue: header.status) ?? .malformedFrame, "error \(header.status) with an unreadable body")
    }

    static func expectEnd(_ reader: BinaryReader) throws {
        guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes follow the end of the item") }
    }
}
