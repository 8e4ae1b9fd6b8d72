import ArgumentParser
import Auth
import Engine
import Foundation
import Logging
import Observability
import Persistence
import REST
import Wire
import WireServer

/// `holdfast serve`: one process with the shards, the journal and the wire listeners.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a node: recover the data directory, then serve the wire protocol until SIGINT or SIGTERM.",
        discussion: """
            Opens (or creates) the data directory, recovers it (newest valid snapshot, then the log), and \
            listens for wire-protocol clients on TCP (default 127.0.0.1:7420) and, if asked, a Unix socket. \
            On SIGINT or SIGTERM it stops accepting connections, answers what is in flight, syncs the log \
            and exits. docs/wire-protocol.md is the protocol; docs/operations.md the runbook.
            """)

    @OptionGroup var node: NodeOptions

    @Option(help: "TCP address to listen on; 'none' for no TCP listener.")
    var host = "127.0.0.1"

    @Option(help: "TCP port of the wire protocol (0: any free port, printed at start).")
    var port = WireProtocol.defaultPort

    @Option(help: "Also listen on this Unix-domain socket path.")
    var unixSocket: String?

    @Option(help: "Network (event-loop) threads.")
    var networkThreads = 1

    @Option(help: "Largest frame accepted, in bytes.")
    var frameBytesMax = WireLimits.standard.frameBytesMax

    @Option(help: "Operations one connection may have in flight.")
    var inFlightPerConnection = WireLimits.standard.inFlightPerConnectionMax

    @Option(help: "Close connections idle (nothing in flight, nothing sent) this many seconds.")
    var idleTimeoutSeconds = 600.0

    @Option(help: "Address of the REST API (HTTP/1.1, JSON); 'none' for no REST listener.")
    var httpHost = "127.0.0.1"

    @Option(help: "Port of the REST API (0: any free port, printed at start).")
    var httpPort = 7480

    @OptionGroup var http: ServeHTTPOptions

    @OptionGroup var auth: ServeAuthOptions

    @OptionGroup var connections: ServeConnectionOptions

    @OptionGroup var logOptions: ServeLogOptions

    @Option(help: "Least level of the log lines on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (0...65_535).contains(httpPort) else { throw ValidationError("--http-port must be 0...65535") }
        guard (1...64).contains(networkThreads) else { throw ValidationError("--network-threads must be 1...64") }
        let frameRange = (WireProtocol.headerBytes + 8)...WireLimits.frameBytesCeiling
        guard frameRange.contains(frameBytesMax) else {
            throw ValidationError("--frame-bytes-max must be \(frameRange.lowerBound)...\(frameRange.upperBound)")
        }
        guard (WireLimits.standard.itemsPerFrameMax...16_000_000).contains(inFlightPerConnection) else {
            throw ValidationError(
                "--in-flight-per-connection must be \(WireLimits.standard.itemsPerFrameMax)...16000000")
        }
        guard idleTimeoutSeconds >= 1 else { throw ValidationError("--idle-timeout-seconds must be at least 1") }
        guard StructuredLogging.level(named: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        StructuredLogging.bootstrap(level: StructuredLogging.level(named: logLevel) ?? .info)
        let log = ServeLog(format: logOptions.format)
        do {
            try await serve(log: log)
        } catch {
            // Reported on the log (JSON lines stay JSON lines), then the usual exit status.
            log.failure("\(error)")
            throw ExitCode(error is ValidationError ? 64 : 1)
        }
    }

    private func serve(log: ServeLog) async throws {
        let logger = Logger(label: "holdfast.serve")
        let openFilesMax = connections.raiseOpenFilesLimit(log: log)
        let registry = MetricsRegistry()
        // REST listens first so /healthz and /readyz answer during recovery.
        let rest = try await startREST(registry: registry, log: log)
        let durableNode: DurableNode
        let authenticator: Authenticator
        do {
            durableNode = try node.openNode(journalLogger: Logger(label: "holdfast.journal"), say: log.say)
            do {
                authenticator = try auth.makeAuthenticator(dataDirectory: node.dataDir, say: log.say, warn: log.warn)
            } catch {
                durableNode.shutdown()
                throw error
            }
        } catch {
            await rest?.shutdown()
            throw error
        }
        let server = WireServer(
            runtime: durableNode.runtime, configuration: serverConfiguration(authenticator, logger: logger))
        do {
            _ = try NodeMetrics(node: durableNode, registry: registry)
            try ServeWireMetrics.register(server, on: registry)
        } catch {
            await rest?.shutdown()
            durableNode.shutdown()
            throw ValidationError("metrics: \(error)")
        }
        rest?.backend.markReady(runtime: durableNode.runtime, authenticator: authenticator)
        do {
            try await server.start()
        } catch {
            await rest?.shutdown()
            durableNode.shutdown()
            throw ValidationError("cannot listen: \(error)")
        }
        log.ready(
            wire: server.boundTCPPort.map { (host, $0) }, unixSocket: unixSocket,
            rest: rest.map { (httpHost, $0.boundPort ?? httpPort) }, connectionsMax: connections.connectionsMax,
            openFilesMax: openFilesMax)
        let signal = await ShutdownSignal.wait()
        log.note("received \(signal): draining connections", ["event": "stopping", "signal": .string(signal)])
        await rest?.shutdown()
        await server.shutdown()
        durableNode.shutdown()
        log.note("stopped: log synced, data directory closed", ["event": "stopped"])
    }

    /// Starts the REST API (not yet ready: API requests get 503 until recovery ends).
    private func startREST(registry: MetricsRegistry, log: ServeLog) async throws -> RESTServer? {
        guard httpHost != "none" else { return nil }
        var configuration = RESTConfiguration()
        configuration.host = httpHost
        configuration.port = httpPort
        http.apply(to: &configuration)
        configuration.metricsText = { registry.render() }
        do {
            configuration.metrics = try HTTPMetrics(registry: registry)
        } catch {
            throw ValidationError("metrics: \(error)")
        }
        let rest = RESTServer(configuration: configuration, logger: Logger(label: "holdfast.rest"))
        do {
            try await rest.start()
        } catch {
            throw ValidationError("cannot listen for REST on \(httpHost):\(httpPort): \(error)")
        }
        let url = "http://\(httpHost):\(rest.boundPort ?? httpPort)"
        log.note("REST API on \(url)/api/v1 (OpenAPI: /api/v1/openapi.yaml)", ["event": "listening", "url": .string(url)])
        return rest
    }

    private func serverConfiguration(_ authenticator: Authenticator, logger: Logger) -> WireServerConfiguration {
        var configuration = WireServerConfiguration()
        configuration.host = host == "none" ? nil : host
        configuration.port = port
        configuration.unixSocketPath = unixSocket
        configuration.networkThreads = networkThreads
        configuration.idleTimeoutSeconds = idleTimeoutSeconds
        configuration.connectionsMax = connections.connectionsMax
        configuration.limits = WireLimits(
            frameBytesMax: frameBytesMax, itemsPerFrameMax: WireLimits.standard.itemsPerFrameMax,
            inFlightPerConnectionMax: inFlightPerConnection)
        configuration.authenticator = authenticator
        configuration.onAccessDenied = { record in
            var metadata: Logger.Metadata = [
                "event": "ACCESS_DENIED", "status": .stringConvertible(record.httpStatus),
                "kind": .string(record.kind.rawValue), "connection": .stringConvertible(record.connectionID),
                "client_id": .string(record.clientID), "peer": .string(record.peerAddress ?? "unknown"),
                "operation": .string(record.operation), "denied_items": .stringConvertible(record.deniedItems),
                "reason": .string(record.reason), "protocol": "wire",
            ]
            if let principal = record.principal {
                metadata["role"] = .string(principal.role.rawValue)
                metadata["store"] = .string(principal.store)
                // A customer's subject is its customer id, which the log handler masks.
                metadata[principal.role == .customer ? "customer" : "subject"] = .string(principal.subject)
            }
            logger.warning("ACCESS_DENIED", metadata: metadata)
        }
        return configuration
    }
}

/// Waits for SIGINT or SIGTERM.
enum ShutdownSignal {
    static func wait() async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "holdfast.signals")
            let resumed = Resumed()
            var sources: [DispatchSourceSignal] = []
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    guard resumed.claim() else { return }
                    continuation.resume(returning: name)
                }
                source.resume()
                sources.append(source)
            }
            ShutdownSignal.keepAlive = sources
        }
    }

    nonisolated(unsafe) private static var keepAlive: [DispatchSourceSignal] = []

    private final class Resumed: @unchecked Sendable {
        private var done = false
        private let lock = NSLock()
        func claim() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if done { return false }
            done = true
            return true
        }
    }
}
