import Engine
import Wire

/// Valid frames of every kind, built with the real `FrameWriter`: the starting
/// points of the fuzzers' mutations and the libFuzzer seed corpus.
enum SampleFrames {
    /// Every sample frame, requests and replies.
    static func all() -> [[UInt8]] {
        requests() + replies() + errorFrames()
    }

    static func requests() -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var requestID: UInt64 = 1
        func add(_ operation: WireOperation, _ items: [(inout BinaryWriter) -> Void]) {
            frames.append(frame(operation, requestID: requestID, isReply: false, items: items))
            requestID += 1
        }
        for hello in WireSamples.hellos { add(.hello, [{ hello.encode(into: &$0) }]) }
        add(.ping, [{ _ in }])
        add(.stats, [{ _ in }])
        for request in WireSamples.eventsRequests { add(.events, [{ request.encode(into: &$0) }]) }
        for command in WireSamples.commands {
            var writer = FrameWriter()
            writer.commandFrame([command], requestID: requestID)
            frames.append(writer.takeBytes())
            requestID += 1
        }
        for batch in commandBatches() {
            var writer = FrameWriter()
            writer.commandFrame(batch, requestID: requestID)
            frames.append(writer.takeBytes())
            requestID += 1
        }
        return frames
    }

    /// The sample commands grouped by operation, for frames of several items.
    static func commandBatches() -> [[Command]] {
        var batches: [[Command]] = []
        for command in WireSamples.commands {
            if let last = batches.last?.last, WireOperation(of: last) == WireOperation(of: command) {
                batches[batches.count - 1].append(command)
            } else {
                batches.append([command])
            }
        }
        return batches.filter { $0.count > 1 }
    }

    static func replies() -> [[UInt8]] {
        var frames: [[UInt8]] = []
        for reply in WireSamples.helloReplies { frames.append(okFrame(.hello, { reply.encode(into: &$0) })) }
        frames.append(okFrame(.ping, { _ in }))
        for stats in WireSamples.stats { frames.append(okFrame(.stats, { stats.encode(into: &$0) })) }
        for reply in WireSamples.eventsReplies {
            frames.append(okFrame(.events, { EventCodec.encode(reply, into: &$0) }))
        }
        let reserve = WireOperation(command: .reserve)
        for result in WireSamples.results {
            var writer = FrameWriter()
            writer.beginFrame(operation: reserve, requestID: 7, isReply: true)
            writer.resultItem(result)
            writer.finishFrame()
            frames.append(writer.takeBytes())
        }
        var mixed = FrameWriter()
        mixed.beginFrame(operation: reserve, requestID: 8, isReply: true)
        for (index, error) in WireSamples.wireErrors.enumerated() {
            mixed.errorItem(error)
            mixed.resultItem(WireSamples.results[index % WireSamples.results.count])
        }
        mixed.finishFrame()
        frames.append(mixed.takeBytes())
        return frames
    }

    static func errorFrames() -> [[UInt8]] {
        WireSamples.wireErrors.map { error in
            var writer = FrameWriter()
            writer.errorFrame(error, operation: .error, requestID: 9)
            return writer.takeBytes()
        }
    }

    // MARK: Helpers

    static func frame(
        _ operation: WireOperation, requestID: UInt64, isReply: Bool, items: [(inout BinaryWriter) -> Void]
    ) -> [UInt8] {
        var writer = FrameWriter()
        writer.beginFrame(operation: operation, requestID: requestID, isReply: isReply)
        for item in items { writer.item(item) }
        writer.finishFrame()
        return writer.takeBytes()
    }

    /// A reply frame with one ok item holding what `result` writes.
    static func okFrame(_ operation: WireOperation, _ result: @escaping (inout BinaryWriter) -> Void) -> [UInt8] {
        frame(
            operation, requestID: 1, isReply: true,
            items: [
                { writer in
                    writer.write(ReplyStatus.ok.rawValue)
                    result(&writer)
                }
            ])
    }
}
