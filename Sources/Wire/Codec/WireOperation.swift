import Engine

/// What a frame asks for. Session operations have codes below 0x0100; an engine
/// command's operation is `0x0100 + its CommandCodec tag`, and its items are the
/// command's payload (the canonical encoding without the tag byte).
public struct WireOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The handshake: the first frame of every connection.
    public static let hello = WireOperation(rawValue: 0x0001)
    /// An empty round trip.
    public static let ping = WireOperation(rawValue: 0x0002)
    /// A page of a shard's change stream.
    public static let events = WireOperation(rawValue: 0x0003)
    /// Server and shard counters.
    public static let stats = WireOperation(rawValue: 0x0004)
    /// The operation of a frame-level error reply to a frame whose header could not be trusted.
    public static let error = WireOperation(rawValue: 0x00FF)

    /// The base of command operations.
    public static let commandBase: UInt16 = 0x0100

    /// The operation that carries commands with `tag`.
    public init(command tag: CommandCodec.Tag) { rawValue = WireOperation.commandBase + UInt16(tag.rawValue) }

    /// The operation that carries `command`.
    public init(of command: Command) { self.init(command: CommandCodec.tag(of: command)) }

    /// The command tag this operation carries, or nil for session operations,
    /// `advanceTime` (issued by the server itself) and unknown codes.
    public var commandTag: CommandCodec.Tag? {
        guard rawValue > WireOperation.commandBase, rawValue <= WireOperation.commandBase + 0xFF,
            let tag = CommandCodec.Tag(rawValue: UInt8(rawValue - WireOperation.commandBase)), tag != .advanceTime
        else { return nil }
        return tag
    }

    /// Whether a server of this version understands the operation.
    public var isKnown: Bool {
        [.hello, .ping, .events, .stats].contains(self) || commandTag != nil
    }

    public var description: String {
        switch self {
        case .hello: "hello"
        case .ping: "ping"
        case .events: "events"
        case .stats: "stats"
        case .error: "error"
        default:
            if let tag = commandTag { "\(tag)" } else { "0x" + String(rawValue, radix: 16, uppercase: true) }
        }
    }
}
