import Engine

/// Constants of the binary wire protocol shared by server and client. The frame
/// codec and the server arrive with the wire-protocol work; the numeric error
/// codes are the engine's (`EngineError.code`), so both sides agree already.
public enum WireProtocol {
    /// The protocol version a client announces in its handshake.
    public static let version: UInt16 = 1

    /// The stable numeric code sent for an engine error.
    public static func errorCode(for error: EngineError) -> UInt16 { error.code }
}
