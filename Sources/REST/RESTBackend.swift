import Auth
import Engine
import Synchronization

/// What the handlers reach the engine through: the node's `ShardRuntime`, once
/// recovery has finished. Until then (and after shutdown begins) every API
/// request gets 503 `NOT_READY`; `/healthz` answers throughout.
public final class RESTBackend: Sendable {
    private enum Phase {
        case recovering
        case ready(ShardRuntime, Authenticator)
        case stopping
    }

    private let phase = Mutex<Phase>(.recovering)

    public init() {}

    /// Recovery is done: API requests run from now on, authenticated by `authenticator`.
    public func markReady(runtime: ShardRuntime, authenticator: Authenticator) {
        phase.withLock { $0 = .ready(runtime, authenticator) }
    }

    /// Shutdown has begun: new API requests are refused with 503.
    public func markStopping() {
        phase.withLock { $0 = .stopping }
    }

    public var isReady: Bool { runtime != nil }

    /// Whether shutdown has begun.
    var isStopping: Bool {
        phase.withLock { phase in
            if case .stopping = phase { return true }
            return false
        }
    }

    /// The runtime once ready; nil while recovering or stopping.
    public var runtime: ShardRuntime? {
        phase.withLock { phase in
            if case .ready(let runtime, _) = phase { return runtime }
            return nil
        }
    }

    /// How API requests are authenticated once ready; nil before.
    var authenticator: Authenticator? {
        phase.withLock { phase in
            if case .ready(_, let authenticator) = phase { return authenticator }
            return nil
        }
    }

    func readyRuntime() throws -> ShardRuntime {
        let current = phase.withLock { phase -> Result<ShardRuntime, Problem> in
            switch phase {
            case .ready(let runtime, _): .success(runtime)
            case .recovering:
                .failure(Problem(.notReady, status: .serviceUnavailable, detail: "the node is still recovering its data"))
            case .stopping:
                .failure(Problem(.notReady, status: .serviceUnavailable, detail: "the node is shutting down"))
            }
        }
        return try current.get()
    }

    /// Runs `command` through the same submission path as the wire server.
    /// A query is answered at once, on the calling thread, when that is safe
    /// (`ShardRuntime.read`): a connection's requests run one after another,
    /// so none of its writes is still queued. Otherwise the command is queued
    /// on its shard, this returns nil, and the completion `makeCompletion`
    /// gives (asked for only then) runs once on the shard's thread with the
    /// durable outcome, or at once when refused. Throws 503 while the node
    /// recovers or stops.
    func execute(
        _ command: Command, caller: Caller, makeCompletion: () -> @Sendable (Outcome) -> Void
    ) throws -> Outcome? {
        let runtime = try readyRuntime()
        if let answered = runtime.read(command, caller: caller) { return answered }
        runtime.submit(command, caller: caller, completion: makeCompletion())
        return nil
    }

    /// One page of `store`'s events after `afterLSN` (its shard's page, filtered to the store).
    func events(store: String, after afterLSN: UInt64, limit: Int) throws -> EventPageJSON {
        let runtime = try readyRuntime()
        guard let page = runtime.events(shard: runtime.shardIndex(forStore: store), after: afterLSN, limit: limit)
        else { throw Problem(.internalError, status: .internalServerError, detail: "the store's shard is missing") }
        let nextAfter = page.events.last?.lsn ?? afterLSN
        let gap = page.oldestRetainedLSN > 0 && afterLSN + 1 < page.oldestRetainedLSN
        return EventPageJSON(
            events: page.events.filter { IdentifierRule.same($0.store, store) }.map(EventJSON.init), nextAfter: nextAfter,
            oldestRetainedLSN: page.oldestRetainedLSN, newestLSN: page.newestLSN, gap: gap)
    }
}
