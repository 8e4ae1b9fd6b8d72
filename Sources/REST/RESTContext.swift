import Auth
import Hummingbird
import Logging
import NIOCore
import Observability

/// The per-request context: Hummingbird's core storage, the request id every
/// log line and problem carries, and the peer address for access logs.
public struct RESTContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-Id` when it is 1–64 safe characters, else a new one.
    public var requestID: String
    /// The client's address; formatted only when a line logs it (`peer`).
    private let remoteAddress: SocketAddress?
    /// Who the request acts for, once the auth middleware has checked its token.
    public var caller: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = RequestID.generate()
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's address as `ip:port`, for access-denied lines.
    public var peer: String {
        remoteAddress.map { "\($0.ipAddress ?? "unix"):\($0.port ?? 0)" } ?? "unknown"
    }

    /// Bodies are read by `JSONBody` with its own limit.
    public var maxUploadSize: Int { JSONBody.bytesMax }
}
