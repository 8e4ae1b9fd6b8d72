import Testing

@testable import Engine
@testable import Wire

/// The test vectors of docs/wire-protocol.md: for each, the values it shows,
/// how to encode them with the real codec, and how to decode the documented
/// bytes back and compare with those values.
struct WireVector: Sendable {
    let name: String
    let encode: @Sendable () -> [UInt8]
    /// Decodes the documented bytes and records an issue for every value that differs.
    let checkDecoding: @Sendable ([UInt8]) throws -> Void
}

enum WireVectors {
    static let hello = Hello(clientID: "example", credentials: "secret")
    static let helloReply = HelloReply(serverName: "holdfast", connectionID: 1, shardCount: 4, limits: .standard)

    static let reserve = Command.reserve(
        Reserve(store: "s1", reservationID: "r1", lines: [LineRequest(sku: "sku1", quantity: 2)]))
    static let batch: [Command] = ["r2", "r3", "r4"].enumerated().map { index, id in
        .reserve(
            Reserve(
                store: "s1", reservationID: id, lines: [LineRequest(sku: "sku\(index + 1)", quantity: 1)],
                ttlSeconds: 60))
    }
    static let reservation = ReservationView(
        reservationID: "r1", owner: nil, status: .active, deadline: 1_700_000_900_000_000_000,
        allocations: AllocationList([LineAllocation(sku: "sku1", location: "default", quantity: 2)]), orderID: nil,
        replayed: false)
    static let insufficientStock = EngineError.insufficientStock(sku: "sku1", requested: 5, available: 3)
    static let unknownOperation = WireOperation(rawValue: 0x0150)
    static let unknownOperationError = WireError.protocolViolation(
        .unknownOperation, "operation \(unknownOperation) is not known to protocol version 1")
    static let eventsRequest = EventsRequest(shard: 0, afterLSN: 41, limit: 100, store: "s1")
    static let eventsReply = EventsReply(
        page: EventPage(
            events: [
                Event(
                    lsn: 42, store: "s1",
                    kind: .reservationPlaced(reservationID: "r1", owner: nil, deadline: 1_700_000_900_000_000_000))
            ], oldestRetainedLSN: 1, newestLSN: 42),
        nextAfterLSN: 42)

    static let all: [WireVector] =
        [
            WireVector(
                name: "hello-request", encode: { request(.hello, id: 1) { hello.encode(into: &$0) } },
                checkDecoding: { bytes throws in
                    let (frame, items) = try requestItems(bytes, .hello, id: 1, count: 1)
                    #expect(try ReceivedFrame.decodeItem(frame, items[0]) { try Hello.decode(from: &$0) } == hello)
                }),
            WireVector(
                name: "hello-reply",
                encode: {
                    reply(.hello, id: 1) {
                        $0.item {
                            $0.write(UInt8(0)); helloReply.encode(into: &$0)
                        }
                    }
                },
                checkDecoding: { bytes throws in
                    #expect(
                        try onlyItem(bytes, .hello, id: 1) { try HelloReply.decode(from: &$0) } == .success(helloReply))
                }),
            WireVector(
                name: "reserve-request", encode: { commands([reserve], id: 2) },
                checkDecoding: { bytes throws in #expect(try decodeCommands(bytes, id: 2) == [reserve]) }),
            WireVector(
                name: "reserve-batch-request", encode: { commands(batch, id: 3) },
                checkDecoding: { bytes throws in #expect(try decodeCommands(bytes, id: 3) == batch) }),
            WireVector(
                name: "reserve-reply",
                encode: {
                    reply(WireOperation(command: .reserve), id: 2) {
                        $0.outcomeItem(.success(.reservation(reservation)))
                    }
                },
                checkDecoding: { bytes throws in
                    let outcome = try onlyItem(bytes, WireOperation(command: .reserve), id: 2) {
                        try ResultCodec.decode(from: &$0)
                    }
                    #expect(outcome == .success(.reservation(reservation)))
                }),
            WireVector(
                name: "insufficient-stock-reply",
                encode: {
                    reply(WireOperation(command: .reserve), id: 4) { $0.outcomeItem(.failure(insufficientStock)) }
                },
                checkDecoding: { bytes throws in
                    let outcome = try onlyItem(bytes, WireOperation(command: .reserve), id: 4) {
                        try ResultCodec.decode(from: &$0)
                    }
                    #expect(outcome == .failure(.engine(insufficientStock)))
                }),
            WireVector(
                name: "unknown-operation-reply",
                encode: {
                    var writer = FrameWriter()
                    writer.errorFrame(unknownOperationError, operation: unknownOperation, requestID: 5)
                    return writer.takeBytes()
                },
                checkDecoding: { bytes throws in
                    let header = try FrameHeader.decode(bytes)
                    #expect(header.isReply && header.operation == unknownOperation && header.requestID == 5)
                    #expect(header.status == 503 && header.itemCount == 0)
                    #expect(Frame(header: header, body: Array(bytes[32...])).frameError() == unknownOperationError)
                }),
            WireVector(
                name: "ping-request", encode: { request(.ping, id: 6) { _ in } },
                checkDecoding: { bytes throws in
                    let (frame, items) = try requestItems(bytes, .ping, id: 6, count: 1)
                    #expect(items[0].isEmpty && frame.body.count == 4)
                }),
            WireVector(
                name: "ping-reply", encode: { reply(.ping, id: 6) { $0.item { $0.write(UInt8(0)) } } },
                checkDecoding: { bytes throws in #expect(try onlyItem(bytes, .ping, id: 6) { _ in 0 } == .success(0)) }),
            WireVector(
                name: "events-request", encode: { request(.events, id: 7) { eventsRequest.encode(into: &$0) } },
                checkDecoding: { bytes throws in
                    let (frame, items) = try requestItems(bytes, .events, id: 7, count: 1)
                    #expect(
                        try ReceivedFrame.decodeItem(frame, items[0]) { try EventsRequest.decode(from: &$0) }
                            == eventsRequest)
                }),
            WireVector(
                name: "events-reply",
                encode: {
                    reply(.events, id: 7) {
                        $0.item {
                            $0.write(UInt8(0)); EventCodec.encode(eventsReply, into: &$0)
                        }
                    }
                },
                checkDecoding: { bytes throws in
                    #expect(
                        try onlyItem(bytes, .events, id: 7) { try EventCodec.decodeReply(from: &$0) }
                            == .success(eventsReply))
                }),
        ] + commandVectors

    /// Canonical command encodings (tag, then payload; a wire item is the payload alone).
    static let commandVectors: [WireVector] = [
        ("command-advanceTime", Command.advanceTime),
        ("command-reserve", reserve),
        (
            "command-setStock",
            .setStock(
                SetStock(store: "s1", sku: "sku1", location: "east", onHand: 10, backorderLimit: 5, requestKey: "k1"))
        ),
        (
            "command-placeOrder",
            .placeOrder(
                PlaceOrder(
                    store: "s1", orderID: "o1", customerID: "c1",
                    lines: [
                        PricedLineRequest(sku: "sku1", quantity: 2, unitPriceMinor: 1_999),
                        PricedLineRequest(sku: "sku2", location: "west", quantity: 1, unitPriceMinor: 500),
                    ], currency: "EUR", taxMinor: 380, shippingMinor: 0, discountMinor: 100))
        ),
    ].map { name, command in
        WireVector(
            name: name, encode: { CommandCodec.encode(command) },
            checkDecoding: { bytes throws in #expect(try CommandCodec.decode(bytes) == command) })
    }

    // MARK: Helpers

    static func request(_ operation: WireOperation, id: UInt64, _ item: @escaping (inout BinaryWriter) -> Void)
        -> [UInt8]
    {
        SampleFrames.frame(operation, requestID: id, isReply: false, items: [item])
    }

    static func reply(_ operation: WireOperation, id: UInt64, _ items: (inout FrameWriter) -> Void) -> [UInt8] {
        var writer = FrameWriter()
        writer.beginFrame(operation: operation, requestID: id, isReply: true)
        items(&writer)
        writer.finishFrame()
        return writer.takeBytes()
    }

    static func commands(_ commands: [Command], id: UInt64) -> [UInt8] {
        var writer = FrameWriter()
        writer.commandFrame(commands, requestID: id)
        return writer.takeBytes()
    }

    static func requestItems(_ bytes: [UInt8], _ operation: WireOperation, id: UInt64, count: Int) throws
        -> (Frame, [Range<Int>])
    {
        let (frame, items) = try ReceivedFrame.read(bytes)
        #expect(!frame.header.isReply && frame.header.status == 0)
        #expect(frame.header.operation == operation && frame.header.requestID == id && items.count == count)
        return (frame, items)
    }

    static func decodeCommands(_ bytes: [UInt8], id: UInt64) throws -> [Command] {
        let (frame, items) = try ReceivedFrame.read(bytes)
        #expect(!frame.header.isReply && frame.header.requestID == id)
        let tag = try #require(frame.header.operation.commandTag)
        return try items.map { range in
            try ReceivedFrame.decodeItem(frame, range) { try CommandCodec.decode(payloadOf: tag, from: &$0) }
        }
    }

    static func onlyItem<Value>(
        _ bytes: [UInt8], _ operation: WireOperation, id: UInt64, _ decode: (inout BinaryReader) throws -> Value
    ) throws -> Result<Value, WireError> {
        let header = try FrameHeader.decode(bytes)
        #expect(header.isReply && header.status == 0 && header.operation == operation && header.requestID == id)
        return try ReceivedFrame.onlyReplyItem(bytes, decodeResult: decode)
    }
}
