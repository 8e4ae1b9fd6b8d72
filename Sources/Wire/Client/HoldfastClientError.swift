/// Everything a client call can fail with.
///
/// `engine` is a refusal by the engine (the request arrived and was answered);
/// `protocolError` means the server refused the request itself; the other cases
/// are problems of the connection or of the request before it was sent.
public enum HoldfastClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The engine refused the operation (nothing changed), with its stable code.
    case engine(EngineError)
    /// The server refused the frame or item: a protocol error with a stable 5xx code.
    /// `.authenticationFailed` (506): the token was refused and the connection closed;
    /// `.accessDenied` (510): the token does not allow this operation (nothing ran).
    case protocolError(ProtocolErrorCode, String)
    /// The connection closed (or broke) before the reply arrived. Whether the
    /// operation took effect is unknown; repeat it only if it is safe to repeat
    /// (`Command.isSafeToRepeat`).
    case connectionClosed
    /// No connection could be made: the reason says why (refused, unreachable, no such socket).
    case connectFailed(String)
    /// The endpoint text could not be read; the reason says why.
    case invalidEndpoint(String)
    /// The request was not sent: it is larger than the server accepts.
    case requestTooLarge(frameBytes: Int, itemCount: Int, limits: WireLimits)
    /// The server answered something this client cannot read or did not ask for.
    case unexpectedReply(String)
    /// No answer in time (handshake or request). Whether a request took effect is unknown.
    case timeout

    /// The stable numeric code: the engine's or protocol's, nil for local errors.
    public var code: UInt16? {
        switch self {
        case .engine(let error): error.code
        case .protocolError(let code, _): code.rawValue
        default: nil
        }
    }

    /// The stable symbolic name (engine and protocol names, or one of this client's).
    public var name: String {
        switch self {
        case .engine(let error): error.name
        case .protocolError(let code, _): code.name
        case .connectionClosed: "CONNECTION_CLOSED"
        case .connectFailed: "CONNECT_FAILED"
        case .invalidEndpoint: "INVALID_ENDPOINT"
        case .requestTooLarge: "REQUEST_TOO_LARGE"
        case .unexpectedReply: "UNEXPECTED_REPLY"
        case .timeout: "TIMEOUT"
        }
    }

    /// Whether the token did not allow the operation (ACCESS_DENIED, 510): its role or
    /// store is out of scope, or it expired. Retrying with the same token fails again.
    public var isAccessDenied: Bool {
        if case .protocolError(.accessDenied, _) = self { return true }
        return false
    }

    /// Whether the error is about reaching the server rather than about the request:
    /// the connection failed, closed or timed out.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionClosed, .connectFailed, .timeout: true
        case .protocolError(let code, _): code == .authenticationFailed || code == .unsupportedVersion
        default: false
        }
    }

    public var description: String {
        let detail: String
        switch self {
        case .engine(let error): detail = error.description
        case .protocolError(_, let message): detail = message
        case .connectionClosed:
            detail = "the connection closed before the reply arrived; the operation may or may not have taken effect"
        case .connectFailed(let reason): detail = "could not connect: \(reason)"
        case .invalidEndpoint(let reason): detail = reason
        case .requestTooLarge(let frameBytes, let itemCount, let limits):
            detail =
                "request of \(itemCount) item(s) and \(frameBytes) bytes exceeds the server's limits "
                + "(\(limits.itemsPerFrameMax) items, \(limits.frameBytesMax) bytes per frame); split it"
        case .unexpectedReply(let reason): detail = "unexpected reply: \(reason)"
        case .timeout: detail = "no reply in time; the operation may or may not have taken effect"
        }
        guard let code else { return "\(name): \(detail)" }
        return "\(name) (\(code)): \(detail)"
    }

    /// The client error for an error a reply carried.
    public init(_ wireError: WireError) {
        switch wireError {
        case .engine(let error): self = .engine(error)
        case .protocolViolation(let code, let message): self = .protocolError(code, message)
        }
    }
}
