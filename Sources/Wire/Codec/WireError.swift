import Engine

/// Codes of errors about the protocol itself (5xx), beside the engine's
/// 1xx–4xx codes (`EngineError.code`). Stable: never renumbered or reused.
public enum ProtocolErrorCode: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// The bytes are not a frame: bad magic, flags or reserved bytes, or a body
    /// whose items do not add up. The connection is closed.
    case malformedFrame = 500
    /// A header or body CRC-32C does not match.
    case checksumMismatch = 501
    /// The header's version (or the handshake's) is not one this server speaks.
    case unsupportedVersion = 502
    /// The operation code is not known.
    case unknownOperation = 503
    /// The frame is longer than the connection's `frameBytesMax`.
    case frameTooLarge = 504
    /// A frame other than `hello` arrived before the handshake.
    case handshakeRequired = 505
    /// The handshake's credentials were refused.
    case authenticationFailed = 506
    /// One item's bytes do not decode as the operation's request.
    case malformedRequest = 507
    /// More items in one frame than `itemsPerFrameMax`, or none.
    case itemCountOutOfRange = 508
    /// The connection sent nothing (or only part of a frame) for too long.
    case timeout = 509
    /// The connection's token does not allow this item (role or store out of scope,
    /// another customer's id, or the token expired). Per item; the connection stays open.
    case accessDenied = 510

    /// The stable symbolic name (REST problem `code`, logs).
    public var name: String {
        switch self {
        case .malformedFrame: "MALFORMED_FRAME"
        case .checksumMismatch: "CHECKSUM_MISMATCH"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .unknownOperation: "UNKNOWN_OPERATION"
        case .frameTooLarge: "FRAME_TOO_LARGE"
        case .handshakeRequired: "HANDSHAKE_REQUIRED"
        case .authenticationFailed: "AUTHENTICATION_FAILED"
        case .malformedRequest: "MALFORMED_REQUEST"
        case .itemCountOutOfRange: "ITEM_COUNT_OUT_OF_RANGE"
        case .timeout: "TIMEOUT"
        case .accessDenied: "ACCESS_DENIED"
        }
    }

    public var description: String { name }
}

/// Every error a wire reply can carry: an engine error (the operation was
/// refused) or a protocol error (the request itself was wrong).
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    case engine(EngineError)
    case protocolViolation(ProtocolErrorCode, String)

    /// The stable numeric code.
    public var code: UInt16 {
        switch self {
        case .engine(let error): error.code
        case .protocolViolation(let code, _): code.rawValue
        }
    }

    /// The stable symbolic name.
    public var name: String {
        switch self {
        case .engine(let error): error.name
        case .protocolViolation(let code, _): code.name
        }
    }

    public var description: String {
        switch self {
        case .engine(let error): "\(error.name) (\(error.code)): \(error)"
        case .protocolViolation(let code, let message): "\(code.name) (\(code.rawValue)): \(message)"
        }
    }

    /// Whether the server closes the connection after sending this error: the
    /// byte stream can no longer be trusted to be in step, or the session ended.
    public var closesConnection: Bool {
        switch self {
        case .engine: false
        case .protocolViolation(let code, _):
            switch code {
            case .malformedFrame, .unsupportedVersion, .frameTooLarge, .authenticationFailed, .timeout: true
            case .checksumMismatch, .unknownOperation, .handshakeRequired, .malformedRequest, .itemCountOutOfRange,
                .accessDenied:
                false
            }
        }
    }
}
