import Auth
import Engine
import NIOCore
import Wire

// The connection's token at work: the handshake's authentication, and the
// access check of every operation before it reaches the engine
// (docs/wire-protocol.md, "Authentication and access").
extension ConnectionHandler {
    /// Authenticates the hello's credentials; on success the connection acts as the token's principal.
    func authenticate(_ hello: Hello) -> AuthFailure? {
        clientID = hello.clientID
        let configuration = server.configuration
        switch configuration.authenticator.authenticate(bearer: hello.credentials, now: configuration.unixTimeSeconds())
        {
        case .failure(let failure):
            reportDenied(.authentication, principal: nil, operation: "hello", reason: failure.reason)
            return failure
        case .success(let principal):
            self.principal = principal
            if case .tokens(let verifier) = configuration.authenticator, let expiresAt = principal.expiresAt {
                sessionDeadline =
                    expiresAt > Int64.max - verifier.leewaySeconds ? .max : expiresAt + verifier.leewaySeconds
            }
            return nil
        }
    }

    /// Why the connection may not run `command`, or nil. Allocates nothing when allowed.
    @inline(__always)
    func accessRefusal(_ command: Command, now: Int64) -> String? {
        if now > sessionDeadline { return "the token expired; reconnect with a fresh token" }
        switch AccessPolicy.check(principal, command) {
        case .allowed: return nil
        case .denied(let reason): return reason
        }
    }

    /// Why the connection may not read events (of one store or all), or nil.
    func eventsRefusal(store: String?) -> String? {
        deniedReason(AccessPolicy.checkEvents(principal, store: store), operation: "events")
    }

    /// Why the connection may not read the node-wide stats, or nil.
    func statsRefusal() -> String? {
        deniedReason(AccessPolicy.checkStats(principal), operation: "stats")
    }

    private func deniedReason(_ decision: AccessDecision, operation: String) -> String? {
        let now = server.configuration.unixTimeSeconds()
        let reason: String
        if now > sessionDeadline {
            reason = "the token expired; reconnect with a fresh token"
        } else if case .denied(let denial) = decision {
            reason = denial
        } else {
            return nil
        }
        reportDenied(.authorization, principal: principal, operation: operation, reason: reason)
        return reason
    }

    /// Hands one refusal to the configured hook.
    func reportDenied(
        _ kind: AccessDeniedRecord.Kind, principal: Principal?, operation: String, deniedItems: Int = 1, reason: String
    ) {
        server.configuration.onAccessDenied(
            AccessDeniedRecord(
                kind: kind, connectionID: connectionID, clientID: clientID,
                peerAddress: peerAddress, principal: principal, operation: operation,
                deniedItems: deniedItems, reason: reason))
    }

    /// The peer as "host:port" (IPv6 hosts in brackets), or the socket path; nil when unknown.
    private var peerAddress: String? {
        guard let address = context?.channel.remoteAddress else { return nil }
        if let path = address.pathname { return path.isEmpty ? "unix" : "unix:" + path }
        guard let host = address.ipAddress, let port = address.port else { return address.description }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
