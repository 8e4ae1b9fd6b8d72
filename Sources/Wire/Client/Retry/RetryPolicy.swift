/// How `HoldfastClient` repeats a request that failed for a passing reason.
///
/// Retried: `busy` (the shard's queue or the connection's in-flight window was
/// full; nothing happened), a failed connect (nothing was sent), and — only for
/// commands that are safe to repeat (`Command.isSafeToRepeat`) — a connection
/// lost before the reply. Never retried: every other engine refusal, protocol
/// errors, `requestTooLarge` and `timeout`.
///
/// Between attempts the client sleeps with "full jitter": a random time between
/// zero and `min(backoffCapSeconds, backoffBaseSeconds × 2^(attempt − 1))`, so
/// many clients refused together do not come back together.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 means never retry.
    public var maxAttempts: Int
    /// The ceiling of the first backoff.
    public var backoffBaseSeconds: Double
    /// The largest backoff.
    public var backoffCapSeconds: Double

    /// Up to 6 attempts, backoff from 2 ms to 500 ms.
    public static let standard = RetryPolicy(maxAttempts: 6, backoffBaseSeconds: 0.002, backoffCapSeconds: 0.5)
    /// One attempt: every error is returned as it comes.
    public static let never = RetryPolicy(maxAttempts: 1, backoffBaseSeconds: 0, backoffCapSeconds: 0)

    public init(maxAttempts: Int, backoffBaseSeconds: Double, backoffCapSeconds: Double) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoffBaseSeconds = max(0, backoffBaseSeconds)
        self.backoffCapSeconds = max(0, backoffCapSeconds)
    }

    /// The longest sleep after failed attempt `attempt` (1-based), before jitter.
    public func backoffCeilingSeconds(afterAttempt attempt: Int) -> Double {
        let doublings = min(max(attempt - 1, 0), 62)
        return min(backoffCapSeconds, backoffBaseSeconds * Double(1 << doublings))
    }

    /// The sleep after failed attempt `attempt`: uniform in 0 ... the ceiling.
    public func backoffSeconds(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let ceiling = backoffCeilingSeconds(afterAttempt: attempt)
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling, using: &generator)
    }

    /// Sleeps the backoff after failed attempt `attempt`.
    func sleep(afterAttempt attempt: Int) async {
        var generator = SystemRandomNumberGenerator()
        let seconds = backoffSeconds(afterAttempt: attempt, using: &generator)
        guard seconds > 0 else { return }
        try? await Task.sleep(for: .nanoseconds(Int64(seconds * 1e9)))
    }
}
