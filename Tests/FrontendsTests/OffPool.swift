import Foundation

/// Runs synchronous work on a thread of its own and waits for it without
/// holding a thread of Swift's global pool: that pool has one thread per
/// core, shared by every test running at once (and by in-process servers'
/// tasks), so minutes of recovery or verification on it would stall them.
func offPool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
