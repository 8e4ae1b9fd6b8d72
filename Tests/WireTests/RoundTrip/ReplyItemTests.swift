import Testing

@testable import Engine
@testable import Wire

/// Results and errors through reply items and back (`FrameWriter.resultItem`,
/// `outcomeItem`, `errorItem`, `errorFrame`; `Frame.replyOutcome`, `frameError`).
@Suite struct ReplyItemTests {
    static func replyFrame(_ write: (inout FrameWriter) -> Void) -> [UInt8] {
        var writer = FrameWriter()
        writer.beginFrame(operation: WireOperation(command: .reserve), requestID: 42, isReply: true)
        write(&writer)
        writer.finishFrame()
        return writer.takeBytes()
    }

    @Test("the samples hold every result kind 1–10 and every reservation and order status")
    func samplesCoverEveryKind() {
        let kinds = Set(
            WireSamples.results.map { result -> UInt8 in
                var writer = BinaryWriter()
                ResultCodec.encode(result, into: &writer)
                return writer.bytes[0]
            })
        #expect(kinds == Set(1...10))
        var reservationStatuses: Set<UInt8> = []
        var orderStatuses: Set<UInt8> = []
        for result in WireSamples.results {
            if case .reservation(let view) = result { reservationStatuses.insert(view.status.rawValue) }
            if case .order(let view) = result { orderStatuses.insert(view.status.rawValue) }
        }
        #expect(reservationStatuses == Set(1...4) && orderStatuses == Set(1...4))
    }

    @Test("a result in a reply item decodes to the same result", arguments: WireSamples.results.indices)
    func result(index: Int) throws {
        let result = WireSamples.results[index]
        let bytes = Self.replyFrame { $0.outcomeItem(.success(result)) }
        let outcome = try ReceivedFrame.onlyReplyItem(bytes) { try ResultCodec.decode(from: &$0) }
        #expect(outcome == .success(result))
        #expect(bytes[WireProtocol.headerBytes + 4] == ReplyStatus.ok.rawValue)
    }

    @Test("every engine error code 100–402 and protocol code 500–510 has a sample")
    func samplesCoverEveryCode() {
        let codes = Set(WireSamples.wireErrors.map(\.code))
        let engineCodes: Set<UInt16> = [
            100, 101, 102, 103, 104, 105, 106, 200, 201, 202, 203, 204, 205,
            300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 400, 401, 402,
        ]
        #expect(codes == engineCodes.union(500...510))
    }

    @Test("an error in a reply item decodes to the same error", arguments: WireSamples.wireErrors.indices)
    func errorItem(index: Int) throws {
        let error = WireSamples.wireErrors[index]
        let bytes = Self.replyFrame { $0.errorItem(error) }
        let outcome = try ReceivedFrame.onlyReplyItem(bytes) { try ResultCodec.decode(from: &$0) }
        #expect(outcome == .failure(error))
        let body = Array(bytes[(WireProtocol.headerBytes + 4)...])
        #expect(body[0] == ReplyStatus.error.rawValue)
        #expect(UInt16(body[1]) | UInt16(body[2]) << 8 == error.code, "u16 code after the status byte")
    }

    @Test(
        "an error answering a whole frame: status = code, no items, the error as body",
        arguments: WireSamples.wireErrors.indices)
    func errorFrame(index: Int) throws {
        let error = WireSamples.wireErrors[index]
        var writer = FrameWriter()
        writer.errorFrame(error, operation: .error, requestID: 9)
        let bytes = writer.takeBytes()
        let header = try FrameHeader.decode(bytes)
        #expect(header.isReply && header.status == error.code && header.itemCount == 0)
        let frame = Frame(header: header, body: Array(bytes[WireProtocol.headerBytes...]))
        #expect(WireProtocol.checksum(frame.body) == header.bodyChecksum)
        #expect(frame.frameError() == error)
    }

    @Test("an error frame whose body does not decode still reports its status")
    func unreadableErrorFrame() throws {
        let header = FrameHeader(isReply: true, operation: .error, itemCount: 0, requestID: 0, status: 503)
        #expect(Frame(header: header, body: [1, 2, 3]).frameError().code == 503)
        let unknown = FrameHeader(isReply: true, operation: .error, itemCount: 0, requestID: 0, status: 999)
        #expect(Frame(header: unknown, body: []).frameError().code == ProtocolErrorCode.malformedFrame.rawValue)
    }

    @Test("a batch reply: one item per request item, in order, each ok or error")
    func mixedBatch() throws {
        let outcomes: [Outcome] = [
            .success(WireSamples.results[7]), .failure(.insufficientStock(sku: "sku1", requested: 5, available: 3)),
            .success(WireSamples.results[8]), .failure(.busy),
        ]
        let bytes = Self.replyFrame { writer in outcomes.forEach { writer.outcomeItem($0) } }
        let (frame, items) = try ReceivedFrame.read(bytes)
        let decoded = try items.map { try frame.replyOutcome(of: $0) { try ResultCodec.decode(from: &$0) } }
        #expect(decoded == outcomes.map { $0.mapError { WireError.engine($0) } })
    }

    @Test("unknown reply status, unknown error code and trailing bytes are refused as malformedFrame")
    func malformedReplyItems() throws {
        let cases: [[UInt8]] = [
            [2],  // status 2
            [1, 0x0F, 0x27, 0, 0, 0, 0],  // error code 9999
            [1, 0x90, 0x01, 0, 0, 0, 0, 0xAA],  // busy (400) then a stray byte
            [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xAA],  // tick, then a stray byte
            [],
        ]
        for item in cases {
            let bytes = Self.replyFrame { writer in writer.item { $0.write(contentsOf: item) } }
            let (frame, ranges) = try ReceivedFrame.read(bytes)
            #expect(throws: WireError.self, "\(item)") {
                _ = try frame.replyOutcome(of: ranges[0]) { try ResultCodec.decode(from: &$0) }
            }
            do {
                _ = try frame.replyOutcome(of: ranges[0]) { try ResultCodec.decode(from: &$0) }
            } catch {
                #expect(error.code == ProtocolErrorCode.malformedFrame.rawValue)
            }
        }
    }

    @Test("codes, names and which protocol errors close the connection")
    func codeTable() {
        let names = WireSamples.wireErrors.map(\.name)
        #expect(Set(names).count == Set(WireSamples.wireErrors.map(\.code)).count, "one name per code")
        #expect(names.allSatisfy { $0 == $0.uppercased() && !$0.isEmpty })
        let closing = ProtocolErrorCode.allCases.filter { WireError.protocolViolation($0, "").closesConnection }
        #expect(closing == [.malformedFrame, .unsupportedVersion, .frameTooLarge, .authenticationFailed, .timeout])
        #expect(WireSamples.engineErrors.allSatisfy { !WireError.engine($0).closesConnection })
    }
}
