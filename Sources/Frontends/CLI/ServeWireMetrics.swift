import Observability
import WireServer

/// The wire listener's families on the node's registry (docs/operations.md, "Metrics").
enum ServeWireMetrics {
    static func register(_ server: WireServer, on registry: MetricsRegistry) throws(MetricsError) {
        try registry.gauge(name: "holdfast_wire_connections_open", help: "Wire-protocol connections open now.") {
            Double(server.openConnections)
        }
        try registry.sampledCounter(
            name: "holdfast_wire_connections_refused_total",
            help: "Wire connections closed at once because --connections-max were open."
        ) { [LabelledSample(labels: [], value: server.refusedConnections)] }
        try registry.sampledCounter(
            name: "holdfast_wire_accept_failures_total",
            help: "Failed accepts on the wire listener (out of file descriptors or memory); each pauses accepting."
        ) { [LabelledSample(labels: [], value: server.acceptFailures)] }
    }
}
