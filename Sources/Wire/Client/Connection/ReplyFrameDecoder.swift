import NIOCore

/// Cuts the byte stream from a server into frames as bytes arrive, checking
/// each header (magic, version, header CRC-32C) and body (length, CRC-32C)
/// before passing the frame on. A stream that fails a check cannot be trusted
/// to be in step any more: the error closes the connection.
struct ReplyFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame

    /// The largest frame accepted from the server.
    let frameBytesMax: Int
    /// The header of the frame whose body is still arriving.
    private var header: FrameHeader?

    init(frameBytesMax: Int = WireLimits.frameBytesCeiling) {
        self.frameBytesMax = frameBytesMax
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// The next whole frame in `buffer`, consuming its bytes; nil until it has arrived.
    ///
    /// - Throws: `WireError` for a malformed, oversized or corrupt frame.
    mutating func nextFrame(from buffer: inout ByteBuffer) throws(WireError) -> Frame? {
        if header == nil {
            guard buffer.readableBytes >= WireProtocol.headerBytes else { return nil }
            let decoded = try Self.peekHeader(buffer)
            let frameBytes = WireProtocol.headerBytes + Int(decoded.bodyLength)
            guard frameBytes <= frameBytesMax else {
                throw .protocolViolation(
                    .frameTooLarge,
                    "the server sent a frame of \(frameBytes) bytes; this client accepts \(frameBytesMax)")
            }
            buffer.moveReaderIndex(forwardBy: WireProtocol.headerBytes)
            header = decoded
        }
        guard let header, buffer.readableBytes >= Int(header.bodyLength) else { return nil }
        let body = buffer.readBytes(length: Int(header.bodyLength)) ?? []
        self.header = nil
        let computed = WireProtocol.checksum(body)
        guard computed == header.bodyChecksum else {
            throw .protocolViolation(
                .checksumMismatch,
                "reply body checksum \(header.bodyChecksum) does not match \(computed) (request \(header.requestID))")
        }
        return Frame(header: header, body: body)
    }

    private static func peekHeader(_ buffer: ByteBuffer) throws(WireError) -> FrameHeader {
        try buffer.withUnsafeReadableBytes { raw throws(WireError) in
            try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: raw[0..<WireProtocol.headerBytes]))
        }
    }
}
