import Engine
import Foundation
import Synchronization

/// Recovering every shard of a node at start, in parallel.
extension DurableNode {
    typealias RecoveredShard = (state: StateMachine, report: ShardRecoveryReport, end: LogPosition)

    /// Recovers the shards of `directory` (whose lock the caller holds), each
    /// on its own thread; the first failure, by shard order, is thrown.
    static func recoverShards(
        of directory: DataDirectory, limits: Limits, options: Options, progress: (@Sendable (String) -> Void)?
    ) throws(PersistenceError) -> [RecoveredShard] {
        let count = directory.shardCount
        let recoveryOptions = Recovery.Options(
            acceptCorruption: options.acceptCorruption, logExtentRequired: directory.requiresLogExtent)
        let results = RecoveryResults(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { shard in
            let shardPath = directory.shardPath(shard)
            do {
                try FileSystem.makeDirectory(shardPath)
                let recovered = try Recovery.recoverShard(
                    directory: shardPath, shardIndex: shard, shardCount: count, limits: limits,
                    options: recoveryOptions, progress: progress)
                results.set(shard, .success(recovered))
            } catch {
                results.set(shard, .failure(error as? PersistenceError ?? .invalidRequest(reason: "\(error)")))
            }
        }
        var recovered: [RecoveredShard] = []
        for result in results.values {
            switch result! {
            case .failure(let error): throw error
            case .success(let shard): recovered.append(shard)
            }
        }
        return recovered
    }
}

/// Collects per-shard recovery results from concurrent workers.
private final class RecoveryResults: Sendable {
    private let results: Mutex<[Result<DurableNode.RecoveredShard, PersistenceError>?]>

    init(count: Int) { results = Mutex(Array(repeating: nil, count: count)) }

    var values: [Result<DurableNode.RecoveredShard, PersistenceError>?] { results.withLock { $0 } }

    func set(_ index: Int, _ value: Result<DurableNode.RecoveredShard, PersistenceError>) {
        results.withLock { $0[index] = value }
    }
}
