import Hummingbird
import Logging
import NIOCore

/// The per-request context: Hummingbird's core storage, the request id every
/// log line and problem carries, and the peer address for access logs.
public struct RESTContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id` when it is 1–64 safe characters, else a new one.
    public var requestID: String
    public let peer: String
    /// Who the request acts for, once the auth middleware has checked its token.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = RequestIDs.next()
        peer = source.channel.remoteAddress.map { "\($0.ipAddress ?? "unix"):\($0.port ?? 0)" } ?? "unknown"
    }

    /// Bodies are read by `JSONBody` with its own limit.
    public var maxUploadSize: Int { JSONBody.bytesMax }
}

/// Request ids: a caller's own when it is safe to log, else 16 hex digits.
public enum RequestIDs {
    public static func next() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// 1–64 characters of `A-Z a-z 0-9 - _ . :`.
    public static func isAcceptable(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...64).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }
}
