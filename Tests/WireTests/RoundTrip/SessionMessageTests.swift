import Testing

@testable import Engine
@testable import Wire

/// The session messages and the event stream through their frames and back.
@Suite struct SessionMessageTests {
    static func request(_ operation: WireOperation, _ write: @escaping (inout BinaryWriter) -> Void) -> [UInt8] {
        SampleFrames.frame(operation, requestID: 5, isReply: false, items: [write])
    }

    @Test("hello requests", arguments: WireSamples.hellos.indices)
    func hello(index: Int) throws {
        let hello = WireSamples.hellos[index]
        let (frame, items) = try ReceivedFrame.read(Self.request(.hello) { hello.encode(into: &$0) })
        #expect(frame.header.operation == .hello && items.count == 1)
        #expect(try ReceivedFrame.decodeItem(frame, items[0]) { try Hello.decode(from: &$0) } == hello)
    }

    @Test("hello replies", arguments: WireSamples.helloReplies.indices)
    func helloReply(index: Int) throws {
        let reply = WireSamples.helloReplies[index]
        let bytes = SampleFrames.okFrame(.hello) { reply.encode(into: &$0) }
        #expect(try ReceivedFrame.onlyReplyItem(bytes) { try HelloReply.decode(from: &$0) } == .success(reply))
    }

    @Test("hello replies announcing impossible limits are refused")
    func impossibleHelloReply() {
        for (shards, frameBytes, items, inFlight) in [
            (0, 4_096, 1, 1), (1, 39, 1, 1), (1, 4_096, 0, 1), (1, 4_096, 8, 7),
        ] {
            var writer = BinaryWriter()
            writer.write(UInt16(1))
            writer.write("holdfast")
            writer.write(UInt64(1))
            writer.write(UInt16(shards))
            for value in [frameBytes, items, inFlight] { writer.write(UInt32(value)) }
            var reader = BinaryReader(writer.bytes)
            #expect(throws: DecodingError.self) { try HelloReply.decode(from: &reader) }
        }
    }

    @Test("ping and stats requests carry one empty item; the ping reply one empty ok item")
    func emptyItems() throws {
        for operation in [WireOperation.ping, .stats] {
            let (frame, items) = try ReceivedFrame.read(Self.request(operation) { _ in })
            #expect(items == [4..<4] && frame.header.bodyLength == 4)
        }
        let reply = try ReceivedFrame.onlyReplyItem(SampleFrames.okFrame(.ping) { _ in }) { _ in true }
        #expect(reply == .success(true))
    }

    @Test("events requests", arguments: WireSamples.eventsRequests.indices)
    func eventsRequest(index: Int) throws {
        let request = WireSamples.eventsRequests[index]
        let (frame, items) = try ReceivedFrame.read(Self.request(.events) { request.encode(into: &$0) })
        #expect(try ReceivedFrame.decodeItem(frame, items[0]) { try EventsRequest.decode(from: &$0) } == request)
    }

    @Test("an events request for 0 or more than 10,000 events is refused")
    func eventsLimit() {
        for limit in [0, 10_001, Int(UInt32.max)] {
            var writer = BinaryWriter()
            EventsRequest(shard: 0, afterLSN: 0, limit: limit).encode(into: &writer)
            var reader = BinaryReader(writer.bytes)
            #expect(throws: DecodingError.self, "limit \(limit)") { try EventsRequest.decode(from: &reader) }
        }
    }

    @Test("events replies, with an event of every kind 1–18")
    func eventsReply() throws {
        var kinds: Set<UInt8> = []
        for event in WireSamples.eventsReplies[1].page.events {
            var writer = BinaryWriter()
            EventCodec.encode(event, into: &writer)
            kinds.insert(writer.bytes[8 + 4 + event.store.utf8.count])
        }
        #expect(kinds == Set(1...18))
        for reply in WireSamples.eventsReplies {
            let bytes = SampleFrames.okFrame(.events) { EventCodec.encode(reply, into: &$0) }
            #expect(try ReceivedFrame.onlyReplyItem(bytes) { try EventCodec.decodeReply(from: &$0) } == .success(reply))
        }
    }

    @Test("every event kind alone", arguments: WireSamples.eventKinds.indices)
    func event(index: Int) throws {
        let event = Event(lsn: UInt64(index), store: "store-\(index)", kind: WireSamples.eventKinds[index])
        var writer = BinaryWriter()
        EventCodec.encode(event, into: &writer)
        var reader = BinaryReader(writer.bytes)
        #expect(try EventCodec.decodeEvent(from: &reader) == event)
        #expect(reader.isAtEnd)
    }

    @Test("an unknown event kind is refused")
    func unknownEventKind() {
        for kind: UInt8 in [0, 18, 255] {
            var writer = BinaryWriter()
            writer.write(UInt64(1))
            writer.write("s1")
            writer.write(kind)
            writer.write("x")
            var reader = BinaryReader(writer.bytes)
            #expect(throws: DecodingError.self) { try EventCodec.decodeEvent(from: &reader) }
        }
    }

    @Test("server stats", arguments: WireSamples.stats.indices)
    func stats(index: Int) throws {
        let stats = WireSamples.stats[index]
        let bytes = SampleFrames.okFrame(.stats) { stats.encode(into: &$0) }
        #expect(try ReceivedFrame.onlyReplyItem(bytes) { try ServerStats.decode(from: &$0) } == .success(stats))
    }
}

extension SessionMessageTests {
    @Test("an events page far over its limit (one LSN with 50,000 events) still decodes")
    func hugeLSN() throws {
        let events = (0..<50_000).map { index in
            Event(lsn: 7, store: "s1", kind: .reservationExpired(reservationID: "r\(index)"))
        }
        let reply = EventsReply(page: EventPage(events: events, oldestRetainedLSN: 1, newestLSN: 7), nextAfterLSN: 7)
        let bytes = SampleFrames.okFrame(.events) { EventCodec.encode(reply, into: &$0) }
        #expect(bytes.count < WireLimits.standard.frameBytesMax)
        #expect(try ReceivedFrame.onlyReplyItem(bytes) { try EventCodec.decodeReply(from: &$0) } == .success(reply))
    }
}
