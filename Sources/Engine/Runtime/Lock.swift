import Foundation

/// A mutex with a condition, for the runtime's hand-off points. Hot state never
/// sits behind it: only queue pushes and drains, and batch releases.
final class Lock: @unchecked Sendable {
    private let condition = NSCondition()

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    /// Waits until `predicate` holds; call only while holding the lock.
    func wait(until predicate: () -> Bool) {
        while !predicate() { condition.wait() }
    }

    /// Wakes every waiter; call while holding the lock.
    func broadcast() { condition.broadcast() }

    func lock() { condition.lock() }

    func unlock() { condition.unlock() }
}
