import Engine
import Foundation
import NIOCore
import NIOHTTP1
import Observability

/// What a route's handler gives back: a response, or an engine command (already
/// authorized) whose outcome becomes the response (`CommandResponder`).
enum RouteAnswer: Sendable {
    case response(RESTResponse)
    /// With `createdAt`, a new entity answers 201 with that `Location`.
    case command(Command, createdAt: String?)
}

typealias RouteHandler = @Sendable (RESTRequest, RESTContext) throws -> RouteAnswer

/// The API's routes by path template, resolved segment by segment. A literal
/// segment is preferred over a parameter at the first place they differ
/// (`inventory/check` before `inventory/{sku}`); the method is then looked up
/// in the route found, so a known path with another method is not matched.
struct RESTRouter: Sendable {
    struct Endpoint: Sendable {
        let method: HTTPMethod
        let handler: RouteHandler
        /// This route and method's request metrics, registered once at start.
        let metrics: RouteMetrics?
    }

    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case parameter(String)
        }

        /// As in the OpenAPI document: `/api/v1/stores/{store}/inventory/{sku}`.
        let template: String
        let segments: [Segment]
        /// The names of the parameter segments, in order.
        let parameterNames: [String]
        /// Requests need a bearer token (every route under `/api/v1/stores/{store}`).
        let authenticated: Bool
        var endpoints: [Endpoint]

        func endpoint(for method: HTTPMethod) -> Endpoint? {
            endpoints.first { $0.method == method }
        }
    }

    private var routes: [Route] = []
    /// Indices into `routes` by segment count.
    private var routesBySegmentCount: [[Int]] = []

    /// Adds `handler` for `method` on `template` (`/a/{b}/c`).
    mutating func add(
        _ method: HTTPMethod, _ template: String, authenticated: Bool, metrics: RouteMetrics?,
        _ handler: @escaping RouteHandler
    ) {
        let endpoint = Endpoint(method: method, handler: handler, metrics: metrics)
        if let index = routes.firstIndex(where: { $0.template == template }) {
            precondition(routes[index].endpoint(for: method) == nil, "\(method) \(template) is routed twice")
            precondition(routes[index].authenticated == authenticated, "\(template): one authentication rule per path")
            routes[index].endpoints.append(endpoint)
            return
        }
        let segments = template.split(separator: "/").map { segment -> Route.Segment in
            segment.hasPrefix("{") && segment.hasSuffix("}")
                ? .parameter(String(segment.dropFirst().dropLast())) : .literal(String(segment))
        }
        let names = segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { return name }
            return nil
        }
        routes.append(
            Route(
                template: template, segments: segments, parameterNames: names, authenticated: authenticated,
                endpoints: [endpoint]))
        while routesBySegmentCount.count <= segments.count { routesBySegmentCount.append([]) }
        routesBySegmentCount[segments.count].append(routes.count - 1)
    }

    /// The route whose template matches `path` (percent-encoded, empty
    /// segments ignored) and its parameters; nil if none does.
    func match(_ path: Substring) -> (route: Route, parameters: RouteParameters)? {
        let segments = Self.segments(of: path)
        guard segments.count < routesBySegmentCount.count else { return nil }
        var best: Route?
        for index in routesBySegmentCount[segments.count] {
            let route = routes[index]
            guard Self.matches(route, segments) else { continue }
            if let current = best, !Self.prefers(route, over: current) { continue }
            best = route
        }
        guard let best else { return nil }
        var parameters = RouteParameters(names: best.parameterNames)
        for (segment, value) in zip(best.segments, segments) where !Self.isLiteral(segment) {
            parameters.append(value)
        }
        return (best, parameters)
    }

    /// The non-empty segments between slashes, found byte by byte (a slash is never part of a multi-byte character).
    static func segments(of path: Substring) -> [Substring] {
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        var start = path.startIndex
        var index = path.utf8.startIndex
        while index != path.utf8.endIndex {
            if path.utf8[index] == UInt8(ascii: "/") {
                if start != index { segments.append(path[start..<index]) }
                start = path.utf8.index(after: index)
            }
            index = path.utf8.index(after: index)
        }
        if start != path.endIndex { segments.append(path[start...]) }
        return segments
    }

    /// Literal segments match byte for byte.
    private static func matches(_ route: Route, _ segments: [Substring]) -> Bool {
        for (template, segment) in zip(route.segments, segments) {
            if case .literal(let literal) = template, !literal.utf8.elementsEqual(segment.utf8) { return false }
        }
        return true
    }

    private static func isLiteral(_ segment: Route.Segment) -> Bool {
        if case .literal = segment { return true }
        return false
    }

    /// Whether `candidate` has a literal where `current` has a parameter, at the first place they differ.
    private static func prefers(_ candidate: Route, over current: Route) -> Bool {
        for (left, right) in zip(candidate.segments, current.segments) where left != right {
            if case .literal = left, case .parameter = right { return true }
            if case .parameter = left, case .literal = right { return false }
        }
        return false
    }
}

/// Registers routes under a path prefix, as the resource files declare them.
struct RouteGroup {
    let prefix: String
    let authenticated: Bool
    let metrics: RouteMetricsTable?
    private let add: (HTTPMethod, String, Bool, RouteMetrics?, @escaping RouteHandler) -> Void

    init(
        prefix: String, authenticated: Bool, metrics: RouteMetricsTable?,
        add: @escaping (HTTPMethod, String, Bool, RouteMetrics?, @escaping RouteHandler) -> Void
    ) {
        self.prefix = prefix
        self.authenticated = authenticated
        self.metrics = metrics
        self.add = add
    }

    func on(_ method: HTTPMethod, _ path: String, _ handler: @escaping RouteHandler) {
        let template = path.isEmpty ? prefix : prefix + "/" + path
        add(method, template, authenticated, metrics?.route(method: method.rawValue, template: template), handler)
    }

    func get(_ path: String, _ handler: @escaping RouteHandler) { on(.GET, path, handler) }
    func put(_ path: String, _ handler: @escaping RouteHandler) { on(.PUT, path, handler) }
    func post(_ path: String, _ handler: @escaping RouteHandler) { on(.POST, path, handler) }
    func delete(_ path: String, _ handler: @escaping RouteHandler) { on(.DELETE, path, handler) }
}

extension RESTRouter {
    /// The routes of the REST API.
    static func make(backend: RESTBackend, configuration: RESTConfiguration, metrics: RouteMetricsTable?) -> RESTRouter {
        var router = RESTRouter()
        func group(_ prefix: String, authenticated: Bool) -> RouteGroup {
            RouteGroup(prefix: prefix, authenticated: authenticated, metrics: metrics) {
                router.add($0, $1, authenticated: $2, metrics: $3, $4)
            }
        }
        let root = group("", authenticated: false)
        root.get("healthz") { _, _ in .response(.json(ByteBuffer(string: #"{"status":"alive"}"#))) }
        root.get("readyz") { _, _ in .response(Readiness.response(backend)) }
        if let metricsText = configuration.metricsText {
            root.get("metrics") { _, _ in
                .response(.text(metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8"))
            }
        }
        root.get("api/v1/openapi.yaml") { _, _ in
            guard let spec = OpenAPIDocument.text else {
                throw Problem(.notFound, status: .notFound, detail: "the OpenAPI document is not installed with this binary")
            }
            return .response(.text(spec, contentType: "application/yaml"))
        }

        let responder = CommandResponder()
        let stores = group("/api/v1/stores/{store}", authenticated: true)
        InventoryRoutes(responder: responder).register(on: stores)
        ReservationRoutes(responder: responder).register(on: stores)
        CartRoutes(responder: responder).register(on: stores)
        OrderRoutes(responder: responder).register(on: stores)
        PriceRoutes(responder: responder).register(on: stores)
        EventRoutes(backend: backend).register(on: stores)
        return router
    }
}

/// The OpenAPI document (docs/openapi.yaml, shipped as this module's resource).
enum OpenAPIDocument {
    static let text: String? = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }()
}

/// Each documented route's request metrics, registered once at start; a
/// routed request carries its own (`RESTRouter.Endpoint.metrics`), so only
/// an unmatched one looks its method up here.
struct RouteMetricsTable: Sendable {
    private struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    private let routes: [RouteKey: RouteMetrics]
    private let unmatched: [String: RouteMetrics]
    private let unmatchedOther: RouteMetrics

    static let methods = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    init(metrics: HTTPMetrics) throws {
        var routes: [RouteKey: RouteMetrics] = [:]
        for route in AllowedMethods.fromDocument.routes {
            let path = "/" + route.segments.joined(separator: "/")
            for method in route.methods {
                routes[RouteKey(method: method, route: path)] = try metrics.route(method: method, route: path)
            }
        }
        self.routes = routes
        var unmatched: [String: RouteMetrics] = [:]
        for method in Self.methods {
            unmatched[method] = try metrics.route(method: method, route: HTTPMetrics.unmatchedRoute)
        }
        self.unmatched = unmatched
        unmatchedOther = try metrics.route(method: "OTHER", route: HTTPMetrics.unmatchedRoute)
    }

    /// The metrics of a documented route; nil for one the document does not list.
    func route(method: String, template: String) -> RouteMetrics? {
        routes[RouteKey(method: method, route: template)]
    }

    /// The metrics of requests that matched no documented route.
    func unmatched(method: String) -> RouteMetrics {
        unmatched[method] ?? unmatchedOther
    }
}
