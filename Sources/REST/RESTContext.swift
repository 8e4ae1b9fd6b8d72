import Auth
import Logging
import NIOCore
import Observability

/// What one request carries from its first step to its log line: the request
/// id every log line and problem names, the route it matched, its path
/// parameters, who it acts for, and the peer address for access logs.
struct RESTContext: Sendable {
    /// The client's `X-Request-Id` when it is 1–64 safe characters, else a new one.
    var requestID: String
    /// The matched route's template (`/api/v1/stores/{store}/inventory/{sku}`); nil when none matched.
    var routeTemplate: String?
    /// The matched route's parameters, percent-encoded as sent, in template order.
    var parameters: RouteParameters
    /// The matched route's request metrics; nil when none matched or the document does not list it.
    var routeMetrics: RouteMetrics?
    /// Who the request acts for, once its bearer token has been checked.
    var caller: Principal?
    let logger: Logger
    /// The client's address; formatted only when a line logs it (`peer`).
    private let remoteAddress: SocketAddress?

    init(requestID: String, remoteAddress: SocketAddress?, logger: Logger) {
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.logger = logger
        routeTemplate = nil
        parameters = RouteParameters()
    }

    /// The client's address as `ip:port`, for access-denied lines.
    var peer: String {
        remoteAddress.map { "\($0.ipAddress ?? "unix"):\($0.port ?? 0)" } ?? "unknown"
    }
}

/// A matched route's path parameters: at most a few, looked up by name.
struct RouteParameters: Sendable {
    /// The route's parameter names, in template order (shared with the route).
    private let names: [String]
    private var values: [Substring] = []

    init(names: [String] = []) {
        self.names = names
        values.reserveCapacity(names.count)
    }

    /// The value of the next parameter, in template order.
    mutating func append(_ value: Substring) {
        assert(values.count < names.count, "more values than the route has parameters")
        values.append(value)
    }

    func get(_ name: String) -> Substring? {
        guard let index = names.firstIndex(of: name), index < values.count else { return nil }
        return values[index]
    }
}
