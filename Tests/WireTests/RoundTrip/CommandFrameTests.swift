import Testing

@testable import Engine
@testable import Wire

/// Every command through a request frame and back: `FrameWriter.commandFrame`,
/// `FrameHeader.decode`, `Frame.itemRanges`, `CommandCodec.decode(payloadOf:)`.
@Suite struct CommandFrameTests {
    @Test("the samples cover every command a client may send (every tag but advanceTime)")
    func samplesCoverEveryTag() {
        let covered = Set(WireSamples.commands.map { CommandCodec.tag(of: $0) })
        let expected = Set(CommandCodec.Tag.allCases).subtracting([.advanceTime])
        #expect(covered == expected)
    }

    @Test("a one-command frame decodes to the same command", arguments: WireSamples.commands.indices)
    func oneCommand(index: Int) throws {
        let command = WireSamples.commands[index]
        var writer = FrameWriter()
        writer.commandFrame([command], requestID: UInt64(index) + 1)
        let (frame, items) = try ReceivedFrame.read(writer.takeBytes())
        #expect(frame.header.operation == WireOperation(of: command))
        #expect(frame.header.operation.rawValue == 0x0100 + UInt16(CommandCodec.tag(of: command).rawValue))
        #expect(frame.header.operation.commandTag == CommandCodec.tag(of: command))
        #expect(frame.header.requestID == UInt64(index) + 1)
        #expect(frame.header.itemCount == 1 && !frame.header.isReply && frame.header.status == 0)
        let tag = try #require(frame.header.operation.commandTag)
        let decoded = try ReceivedFrame.decodeItem(frame, items[0]) {
            try CommandCodec.decode(payloadOf: tag, from: &$0)
        }
        #expect(decoded == command)
        #expect(
            Array(frame.body[items[0]]) == Array(CommandCodec.encode(command).dropFirst()),
            "item = encoding without the tag")
    }

    @Test("a batch frame carries its commands as items, in order")
    func batches() throws {
        let batches = SampleFrames.commandBatches()
        #expect(batches.count >= 5)
        for (index, batch) in batches.enumerated() {
            var writer = FrameWriter()
            writer.commandFrame(batch, requestID: UInt64(1_000 + index))
            let (frame, items) = try ReceivedFrame.read(writer.takeBytes())
            #expect(Int(frame.header.itemCount) == batch.count && items.count == batch.count)
            let tag = try #require(frame.header.operation.commandTag)
            let decoded = try items.map { range in
                try ReceivedFrame.decodeItem(frame, range) { try CommandCodec.decode(payloadOf: tag, from: &$0) }
            }
            #expect(decoded == batch)
        }
    }

    @Test("8,192 reserve commands in one frame (the standard item limit)")
    func fullFrame() throws {
        let commands = (0..<WireLimits.standard.itemsPerFrameMax).map { index in
            Command.reserve(
                Reserve(
                    store: "s\(index % 7)", reservationID: "r\(index)", lines: [LineRequest(sku: "sku1", quantity: 1)]))
        }
        var writer = FrameWriter()
        writer.commandFrame(commands, requestID: 1)
        let bytes = writer.takeBytes()
        #expect(bytes.count < WireLimits.standard.frameBytesMax)
        let (frame, items) = try ReceivedFrame.read(bytes)
        #expect(items.count == commands.count)
        let last = try ReceivedFrame.decodeItem(frame, items[items.count - 1]) {
            try CommandCodec.decode(payloadOf: .reserve, from: &$0)
        }
        #expect(last == commands.last)
    }

    @Test("several frames written back to back are read one after the other")
    func framesBackToBack() throws {
        var writer = FrameWriter()
        for (index, command) in WireSamples.commands.enumerated() {
            writer.commandFrame([command], requestID: UInt64(index))
        }
        var bytes = writer.takeBytes()[...]
        var decoded: [Command] = []
        while !bytes.isEmpty {
            let header = try FrameHeader.decode(Array(bytes.prefix(WireProtocol.headerBytes)))
            let length = WireProtocol.headerBytes + Int(header.bodyLength)
            let (frame, items) = try ReceivedFrame.read(Array(bytes.prefix(length)))
            let tag = try #require(frame.header.operation.commandTag)
            decoded.append(
                try ReceivedFrame.decodeItem(frame, items[0]) { try CommandCodec.decode(payloadOf: tag, from: &$0) })
            bytes = bytes.dropFirst(length)
        }
        #expect(decoded == WireSamples.commands)
    }

    @Test("operations: session codes, command codes, advanceTime and unknown codes")
    func operations() {
        #expect([WireOperation.hello, .ping, .events, .stats, .error].map(\.rawValue) == [1, 2, 3, 4, 0xFF])
        #expect([WireOperation.hello, .ping, .events, .stats].allSatisfy { $0.isKnown && $0.commandTag == nil })
        #expect(!WireOperation.error.isKnown)
        #expect(
            WireOperation(rawValue: 0x0101).commandTag == nil && !WireOperation(rawValue: 0x0101).isKnown, "advanceTime"
        )
        for tag in CommandCodec.Tag.allCases where tag != .advanceTime {
            #expect(WireOperation(command: tag).isKnown && WireOperation(command: tag).commandTag == tag)
        }
        for raw: UInt16 in [0, 5, 0x00FE, 0x0100, 0x0102, 0x0114, 0x0187, 0x01C0, 0x01FF, 0x0200, 0xFFFF] {
            #expect(!WireOperation(rawValue: raw).isKnown, "0x\(String(raw, radix: 16))")
        }
    }
}
