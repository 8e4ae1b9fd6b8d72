import Auth
import Foundation
import Wire

/// Where and how `WireServer` listens, and the limits it enforces
/// (docs/wire-protocol.md, "Limits" and "Timeouts").
public struct WireServerConfiguration: Sendable {
    /// TCP listen address; nil for no TCP listener.
    public var host: String? = "127.0.0.1"
    /// TCP port; 0 picks a free one (see `WireServer.boundTCPPort`).
    public var port = WireProtocol.defaultPort
    /// Unix-domain socket path; nil for none. An existing socket file is replaced.
    public var unixSocketPath: String? = nil
    public var limits = WireLimits.standard
    /// The first frame (`hello`) must arrive within this time.
    public var handshakeTimeoutSeconds = 10.0
    /// A frame whose first bytes arrived must be complete within this time.
    public var readTimeoutSeconds = 30.0
    /// A connection with nothing in flight that sends nothing for this long is closed.
    public var idleTimeoutSeconds = 600.0
    /// A connection whose replies stay unread (socket not writable) this long is closed.
    public var writeTimeoutSeconds = 30.0
    /// Each connection's kernel send buffer (SO_SNDBUF), in bytes; nil leaves the
    /// kernel's automatic sizing.
    public var socketSendBufferBytes: Int32? = nil
    /// Event-loop threads for all connections.
    public var networkThreads = 1
    /// How long `shutdown()` waits for in-flight work before closing connections anyway.
    public var drainTimeoutSeconds = 30.0
    /// After its last reply a closing connection sends FIN, then reads (and discards)
    /// until the client closes too, or has sent nothing for this long; then it closes.
    public var lingerSeconds = 2.0
    /// The longest a closing connection reads after its FIN, however much the client sends.
    public var lingerMaxSeconds = 30.0
    /// Most connections open at once; more are accepted and closed at once (and counted).
    public var connectionsMax = WireServerConfiguration.connectionsMaxDefault
    /// How long accepting pauses after a failed `accept` (no file descriptors, no memory).
    public var acceptBackoffSeconds = 0.25
    /// The name sent in the handshake reply.
    public var serverName = "holdfast"
    /// Checks the handshake's credentials (a bearer JWT) and yields the connection's
    /// principal, whose every operation `AccessPolicy` then checks. `.disabled`
    /// (the default of this library type; `holdfast serve` always sets it) lets every
    /// connection act as `Principal.development`.
    public var authenticator = Authenticator.disabled
    /// Called on the network thread for every refused handshake and every frame with
    /// denied items; keep it quick (log a line). Never carries a token or a secret.
    public var onAccessDenied: @Sendable (AccessDeniedRecord) -> Void = { _ in }
    /// The clock tokens are checked against, in unix seconds.
    public var unixTimeSeconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    public init() {}

    /// The default of `connectionsMax`.
    public static let connectionsMaxDefault = 4_096
}
