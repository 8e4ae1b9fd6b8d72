import Engine

/// Builds frames in one growing buffer: a header, then items, each a `u32`
/// length and its bytes. Many frames may be written back to back (one socket
/// write for all of them). The header is filled in when the frame is finished.
public struct FrameWriter: Sendable {
    /// The frames written so far; items are encoded straight into it.
    public var writer: BinaryWriter
    private var frameStart = -1
    private var itemStart = -1
    private var itemCount = 0
    private var pending = FrameHeader(isReply: false, operation: .ping, itemCount: 0, requestID: 0)

    public init(reservingCapacity capacity: Int = 256) {
        writer = BinaryWriter(reservingCapacity: capacity)
    }

    /// Bytes of finished frames (and of one being written).
    public var count: Int { writer.bytes.count }

    /// Items written so far into the open frame (0 when no frame is open).
    public var openFrameItemCount: Int { frameStart < 0 ? 0 : itemCount }

    /// Bytes of the open frame so far, its header included (0 when no frame is open).
    public var openFrameBytes: Int { frameStart < 0 ? 0 : writer.bytes.count - frameStart }

    /// Starts a frame; its header is written by `finishFrame`.
    public mutating func beginFrame(operation: WireOperation, requestID: UInt64, isReply: Bool) {
        precondition(frameStart < 0, "finish the previous frame first")
        frameStart = writer.bytes.count
        itemCount = 0
        pending = FrameHeader(isReply: isReply, operation: operation, itemCount: 0, requestID: requestID)
        writer.write(contentsOf: repeatElement(UInt8(0), count: WireProtocol.headerBytes))
    }

    /// Starts an item of the current frame: its bytes follow, written through `writer`.
    public mutating func beginItem() {
        precondition(frameStart >= 0 && itemStart < 0, "an item belongs to an open frame")
        itemStart = writer.bytes.count
        writer.write(UInt32(0))
    }

    /// Ends the current item, filling in its length.
    public mutating func endItem() {
        precondition(itemStart >= 0, "no item is open")
        writer.overwrite(UInt32(writer.bytes.count - itemStart - 4), at: itemStart)
        itemStart = -1
        itemCount += 1
    }

    /// Writes one whole item.
    public mutating func item(_ body: (inout BinaryWriter) -> Void) {
        beginItem()
        body(&writer)
        endItem()
    }

    /// Finishes the frame: fills in its header with the item count, body
    /// length and both checksums.
    public mutating func finishFrame(status: UInt16 = 0) {
        precondition(frameStart >= 0 && itemStart < 0, "no frame is open, or an item is")
        precondition(itemCount <= WireLimits.itemsPerFrameCeiling, "too many items for one frame")
        let bodyStart = frameStart + WireProtocol.headerBytes
        var header = pending
        header.itemCount = UInt16(itemCount)
        header.bodyLength = UInt32(writer.bytes.count - bodyStart)
        header.bodyChecksum = WireProtocol.checksum(writer.bytes[bodyStart...])
        header.status = status
        writer.withUnsafeMutableBytes(in: frameStart..<bodyStart) { header.encode(to: $0) }
        frameStart = -1
    }

    /// Abandons the open frame (an item could not be encoded), dropping its bytes.
    public mutating func abandonFrame() {
        guard frameStart >= 0 else { return }
        let keep = Array(writer.bytes[..<frameStart])
        writer.reset()
        writer.write(contentsOf: keep)
        frameStart = -1
        itemStart = -1
    }

    /// Hands the finished frames over and starts empty.
    public mutating func takeBytes() -> [UInt8] {
        precondition(frameStart < 0, "finish the open frame first")
        return writer.takeBytes()
    }

    /// Empties the buffer, keeping its storage.
    public mutating func reset() {
        writer.reset()
        frameStart = -1
        itemStart = -1
    }
}
