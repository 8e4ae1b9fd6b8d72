import ArgumentParser
import HoldfastClient

/// `holdfast stats`: the server's and each shard's counters.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show a running server's counters and each shard's queue, newest event and health.",
        discussion: ClientExitCode.summary)

    @OptionGroup var connection: ClientOptions

    func run() async throws {
        try await connection.run { client throws(HoldfastClientError) in
            let info = try await client.serverInfo()
            return StatsReport(try await client.stats(), server: info)
        }
    }
}

struct StatsReport: OperatorReport {
    struct Shard: Encodable, Equatable {
        var shard: Int
        var queueDepth: Int
        var newestEventLSN: UInt64
        var writesHaltedReason: String?
    }

    var serverName: String
    var protocolVersion: UInt16
    var uptimeMilliseconds: UInt64
    var connectionsOpen: Int
    var connectionsAccepted: UInt64
    var framesReceived: UInt64
    var operationsReceived: UInt64
    var busyRefusals: UInt64
    var protocolErrors: UInt64
    var frameBytesMax: Int
    var itemsPerFrameMax: Int
    var inFlightPerConnectionMax: Int
    var shards: [Shard]

    init(_ stats: ServerStats, server: HelloReply) {
        serverName = server.serverName
        protocolVersion = server.protocolVersion
        uptimeMilliseconds = stats.uptimeMilliseconds
        connectionsOpen = stats.connectionsOpen
        connectionsAccepted = stats.connectionsAccepted
        framesReceived = stats.framesReceived
        operationsReceived = stats.operationsReceived
        busyRefusals = stats.busyRefusals
        protocolErrors = stats.protocolErrors
        frameBytesMax = server.limits.frameBytesMax
        itemsPerFrameMax = server.limits.itemsPerFrameMax
        inFlightPerConnectionMax = server.limits.inFlightPerConnectionMax
        shards = stats.shards.enumerated().map { index, shard in
            Shard(
                shard: index, queueDepth: shard.queueDepth, newestEventLSN: shard.newestEventLSN,
                writesHaltedReason: shard.writesHaltedReason)
        }
    }

    func table() -> String {
        let fields = ClientFields.lines([
            ("server", "\(serverName) (protocol \(protocolVersion))"),
            ("uptime", "\(uptimeMilliseconds / 1_000) s"),
            ("connections", "\(connectionsOpen) open, \(connectionsAccepted) accepted"),
            ("frames received", String(framesReceived)),
            ("operations received", String(operationsReceived)),
            ("busy refusals", String(busyRefusals)),
            ("protocol errors", String(protocolErrors)),
            (
                "limits",
                "\(frameBytesMax) B/frame, \(itemsPerFrameMax) items/frame, \(inFlightPerConnectionMax) in flight"
            ),
        ])
        let rows = shards.map {
            [
                String($0.shard), String($0.queueDepth), String($0.newestEventLSN),
                $0.writesHaltedReason.map { "HALTED: \($0)" } ?? "ok",
            ]
        }
        return fields + "\n\n" + OperatorOutput.table(["shard", "queue", "newest LSN", "writes"], rows)
    }
}
