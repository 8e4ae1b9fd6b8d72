import Engine
import Foundation
import Glibc
import Synchronization
import Testing

@testable import Persistence

/// The journal tells its owner once when writes halt and once when they resume.
@Suite struct JournalEventTests {
    final class Collected: Sendable {
        let events = Mutex<[JournalEvent]>([])
        var all: [JournalEvent] { events.withLock { $0 } }
        func handler() -> JournalEventHandler { { event in self.events.withLock { $0.append(event) } } }
    }

    private func waitUntil(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("A failed log write reports one halt (errno, file) for the whole episode of retries, then one resume")
    func oneEventPerEpisode() async throws {
        let directory = TemporaryDirectory()
        let faults = StorageFaults()
        let collected = Collected()
        var options = smallLogOptions()
        options.faults = faults
        options.journalEvents = collected.handler()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options)
        defer { node.shutdown() }
        await run(workload(100, seed: 70), on: node)
        #expect(collected.all.isEmpty)

        faults.fail(.frameWrite, errno: ENOSPC)
        _ = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "a", onHand: 1)))
        // Several retries (every 20 ms here) fail while the fault lasts.
        let retried = try await waitUntil { node.shardJournals[0].currentStatistics.failedWrites >= 5 }
        #expect(retried)
        let halted = collected.all
        #expect(halted.count == 1, "one event for the episode, not one per retry: \(halted)")
        guard case .writesHalted(let failure) = halted.first else { throw TestFailure("expected a halt: \(halted)") }
        #expect(failure.shardIndex == 0 && failure.errno == ENOSPC && failure.errnoName == "ENOSPC")
        #expect(failure.path.hasPrefix(directory.path + "/shard-000/wal-") && failure.path.hasSuffix(".log"))
        #expect(failure.offset != nil && failure.operation == "write + fdatasync")
        #expect(failure.description.contains("No space left on device (ENOSPC, errno 28)"))

        faults.clear()
        #expect(try await waitUntil { collected.all.count == 2 })
        guard case .writesResumed(let shard, let seconds, let attempts) = collected.all.last else {
            throw TestFailure("expected a resume: \(collected.all)")
        }
        #expect(shard == 0 && seconds > 0 && attempts >= 5)
        #expect(node.runtime.writesHaltedReason(shard: 0) == nil)

        // A second episode is reported again, once.
        faults.fail(.segmentCreate, errno: EIO)
        faults.fail(.frameWrite, errno: EIO)
        _ = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "b", onHand: 1)))
        #expect(try await waitUntil { node.shardJournals[0].currentStatistics.failedWrites >= 10 })
        faults.clear()
        #expect(try await waitUntil { collected.all.count == 4 })
        guard case .writesHalted(let second) = collected.all[2] else { throw TestFailure("\(collected.all)") }
        #expect(second.errnoName == "EIO" && second.errno == EIO)
        try await Task.sleep(for: .milliseconds(100))
        #expect(collected.all.count == 4, "nothing more once writes go on")
    }

    @Test("Errno names: the table, and a number for the rest")
    func errnoNames() {
        #expect(ErrnoNames.name(of: ENOSPC) == "ENOSPC")
        #expect(ErrnoNames.name(of: EDQUOT) == "EDQUOT")
        #expect(ErrnoNames.name(of: EROFS) == "EROFS")
        #expect(ErrnoNames.name(of: 4_000) == "errno 4000")
    }
}
