import Synchronization
import Wire

/// Counters of one server, updated from every event-loop thread.
final class ServerCounters: Sendable {
    let connectionsOpen = Atomic<Int>(0)
    let connectionsAccepted = Atomic<UInt64>(0)
    /// Connections closed at once because `connectionsMax` were open.
    let connectionsRefused = Atomic<UInt64>(0)
    /// Failed `accept` calls (out of file descriptors, memory); each pauses accepting briefly.
    let acceptFailures = Atomic<UInt64>(0)
    let framesReceived = Atomic<UInt64>(0)
    let operationsReceived = Atomic<UInt64>(0)
    let busyRefusals = Atomic<UInt64>(0)
    let protocolErrors = Atomic<UInt64>(0)

    /// The server-level part of `ServerStats` (shards are filled in by the server).
    func snapshot(uptimeMilliseconds: UInt64) -> ServerStats {
        var stats = ServerStats()
        stats.uptimeMilliseconds = uptimeMilliseconds
        stats.connectionsOpen = connectionsOpen.load(ordering: .relaxed)
        stats.connectionsAccepted = connectionsAccepted.load(ordering: .relaxed)
        stats.framesReceived = framesReceived.load(ordering: .relaxed)
        stats.operationsReceived = operationsReceived.load(ordering: .relaxed)
        stats.busyRefusals = busyRefusals.load(ordering: .relaxed)
        stats.protocolErrors = protocolErrors.load(ordering: .relaxed)
        return stats
    }
}
