import Engine
import Foundation
import Synchronization
import Testing

/// `/readyz` is 200 only while reads and writes are served.
@Suite("REST: readiness follows the shards' writes")
struct RESTReadinessTests {
    @Test("a shard whose journal fails makes /readyz 503 naming it; 200 again once writes resume; /healthz stays 200")
    func haltedWrites() async throws {
        let journals = (0..<2).map { _ in HaltableJournal() }
        let runtime = ShardRuntime(shardCount: 2, journalForShard: { journals[$0] })
        let rest = try await RESTHarness.start(runtime: runtime)
        defer { Task { await rest.stop() } }
        #expect(try await rest.send("GET", "/readyz").status == 200)

        journals[1].haltedReason.withLock { $0 = "no space left on device" }
        let halted = try await rest.send("GET", "/readyz")
        #expect(halted.status == 503 && halted.json["status"] as? String == "writes-halted", "\(halted.text)")
        let shards = halted.json["haltedShards"] as? [[String: Any]] ?? []
        #expect(shards.count == 1 && shards.first?["shard"] as? Int == 1)
        #expect(shards.first?["reason"] as? String == "no space left on device")
        #expect(try await rest.send("GET", "/healthz").status == 200)

        journals[1].haltedReason.withLock { $0 = nil }
        let resumed = try await rest.send("GET", "/readyz")
        #expect(resumed.status == 200 && resumed.json["status"] as? String == "ready")
    }
}

/// An in-memory journal that retries after a failure, halted while `haltedReason` is set.
final class HaltableJournal: Journal {
    let haltedReason = Mutex<String?>(nil)

    func append(_ records: [LogRecord], onDurable: @escaping @Sendable (Result<Void, JournalError>) -> Void) {
        onDurable(.success(()))
    }

    var resumesAfterFailure: Bool { true }
    var writesHaltedReason: String? { haltedReason.withLock { $0 } }
}
