import ArgumentParser
import Auth
import Engine
import Foundation
import Persistence
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

    @OptionGroup var auth: ServeAuthOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
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
    }

    func run() async throws {
        let durableNode = try node.openNode()
        let authenticator: Authenticator
        do {
            authenticator = try auth.makeAuthenticator(dataDirectory: node.dataDir, say: NodeOptions.say)
        } catch {
            durableNode.shutdown()
            throw error
        }
        let server = WireServer(runtime: durableNode.runtime, configuration: serverConfiguration(authenticator))
        do {
            try await server.start()
        } catch {
            durableNode.shutdown()
            throw ValidationError("cannot listen: \(error)")
        }
        if let bound = server.boundTCPPort { NodeOptions.say("listening on \(host):\(bound) (wire protocol 1)") }
        if let unixSocket { NodeOptions.say("listening on unix:\(unixSocket)") }
        NodeOptions.say("ready")
        let signal = await ShutdownSignal.wait()
        NodeOptions.say("received \(signal): draining connections")
        await server.shutdown()
        durableNode.shutdown()
        NodeOptions.say("stopped: log synced, data directory closed")
    }

    private func serverConfiguration(_ authenticator: Authenticator) -> WireServerConfiguration {
        var configuration = WireServerConfiguration()
        configuration.host = host == "none" ? nil : host
        configuration.port = port
        configuration.unixSocketPath = unixSocket
        configuration.networkThreads = networkThreads
        configuration.idleTimeoutSeconds = idleTimeoutSeconds
        configuration.limits = WireLimits(
            frameBytesMax: frameBytesMax, itemsPerFrameMax: WireLimits.standard.itemsPerFrameMax,
            inFlightPerConnectionMax: inFlightPerConnection)
        configuration.authenticator = authenticator
        configuration.onAccessDenied = { record in
            NodeOptions.say(
                AccessDeniedLine.json(
                    status: record.httpStatus, kind: record.kind.rawValue, connection: record.connectionID,
                    clientID: record.clientID, peer: record.peerAddress, principal: record.principal,
                    operation: record.operation, deniedItems: record.deniedItems, reason: record.reason))
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
