import HoldfastClient
import Wire

/// Sends many frames of one operation over a run's connections, a few in
/// flight on each, for the phases around the measurement (loading the
/// catalog, reading stock back, releasing reservations), where an `await` per
/// frame costs nothing that matters.
struct FramePipeline: Sendable {
    let connections: [WireConnection]
    /// Frames in flight per connection.
    var window = 4

    /// Sends frames `0 ..< frameCount`: `encode(i, &writer)` writes frame i's
    /// items, `decode(i, reply)` reads its reply. Returns the decoded values in
    /// frame order; throws the first error `decode` throws.
    func run<Value: Sendable>(
        operation: WireOperation, frameCount: Int,
        encode: @escaping @Sendable (Int, inout FrameWriter) -> Void,
        decode: @escaping @Sendable (Int, Result<Frame, HoldfastClientError>) throws -> Value
    ) async throws -> [Value] {
        let lanes = connections.count * window
        return try await withThrowingTaskGroup(of: [(Int, Value)].self) { group in
            for lane in 0..<min(lanes, frameCount) {
                let connection = connections[lane % connections.count]
                group.addTask {
                    var values: [(Int, Value)] = []
                    for frame in stride(from: lane, to: frameCount, by: lanes) {
                        let reply = await connection.roundTrip(operation) { writer in encode(frame, &writer) }
                        values.append((frame, try decode(frame, reply)))
                    }
                    return values
                }
            }
            var ordered: [Value?] = Array(repeating: nil, count: frameCount)
            for try await values in group {
                for (frame, value) in values { ordered[frame] = value }
            }
            return ordered.map { $0! }
        }
    }
}

extension WireConnection {
    /// Sends one frame and waits for its reply.
    func roundTrip(
        _ operation: WireOperation, encodeItems: (inout FrameWriter) -> Void
    ) async -> Result<Frame, HoldfastClientError> {
        await withCheckedContinuation { continuation in
            send(operation: operation, encodeItems: encodeItems) { reply in continuation.resume(returning: reply) }
        }
    }
}

/// A phase around the measurement failed; the run stops with this message.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
