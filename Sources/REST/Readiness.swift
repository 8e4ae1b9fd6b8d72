import Engine
import HTTPTypes

/// `GET /readyz`: 200 only while the node serves reads and writes. 503 with a
/// small JSON body while it recovers, while it shuts down, and while any
/// shard's writes are halted (its journal failed: disk full, I/O error),
/// naming those shards and why. Liveness (`/healthz`) is not affected.
enum Readiness {
    struct HaltedShard: Encodable {
        var shard: Int
        var reason: String
    }

    struct Report: Encodable {
        var status: String
        var haltedShards: [HaltedShard]?
    }

    static func response(_ backend: RESTBackend) -> RESTResponse {
        guard let runtime = backend.runtime else {
            let status = backend.isStopping ? "stopping" : "recovering"
            return answer(Report(status: status), status: .serviceUnavailable)
        }
        let halted = haltedShards(runtime)
        guard halted.isEmpty else {
            return answer(Report(status: "writes-halted", haltedShards: halted), status: .serviceUnavailable)
        }
        return answer(Report(status: "ready"), status: .ok)
    }

    static func haltedShards(_ runtime: ShardRuntime) -> [HaltedShard] {
        (0..<runtime.shardCount).compactMap { shard in
            runtime.writesHaltedReason(shard: shard).map { HaltedShard(shard: shard, reason: $0) }
        }
    }

    private static func answer(_ report: Report, status: HTTPResponse.Status) -> RESTResponse {
        .json(JSONOutput.encode(report), status: .custom(code: UInt(status.code), reasonPhrase: status.reasonPhrase))
    }
}
