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

    /// Waits until `predicate` holds or `deadline` passes; call only while
    /// holding the lock. Returns whether the predicate holds.
    @discardableResult
    func wait(until deadline: Date, _ predicate: () -> Bool) -> Bool {
        while !predicate() {
            if !condition.wait(until: deadline) { return predicate() }
        }
        return true
    }

    /// Wakes every waiter; call while holding the lock.
    func broadcast() { condition.broadcast() }

    func lock() { condition.lock() }

    func unlock() { condition.unlock() }
}
