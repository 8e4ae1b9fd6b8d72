import Engine
import Foundation
import Hummingbird
import Logging
import Observability

/// The routes of the REST API and the middleware around them.
enum RESTRouter {
    static func make(
        backend: RESTBackend, configuration: RESTConfiguration, logger: Logger
    ) throws -> Router<RESTContext> {
        let router = Router(context: RESTContext.self)
        let routeMetrics = try configuration.metrics.map { try RouteMetricsTable(metrics: $0) }
        router.add(middleware: RequestMiddleware(routeMetrics: routeMetrics))

        router.get("healthz") { _, _ in
            PlainResponse.json(#"{"status":"alive"}"#)
        }
        router.get("readyz") { _, _ in Readiness.response(backend) }
        if let metricsText = configuration.metricsText {
            router.get("metrics") { _, _ in
                PlainResponse.text(metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
            }
        }
        router.get("api/v1/openapi.yaml") { _, _ in
            guard let spec = OpenAPIDocument.text else {
                throw Problem(.notFound, status: .notFound, detail: "the OpenAPI document is not installed with this binary")
            }
            return PlainResponse.text(spec, contentType: "application/yaml")
        }

        let responder = CommandResponder(backend: backend)
        let stores = router.group("api/v1/stores/:store").add(middleware: AuthenticationMiddleware(backend: backend))
        InventoryRoutes(responder: responder).register(on: stores)
        ReservationRoutes(responder: responder).register(on: stores)
        CartRoutes(responder: responder).register(on: stores)
        OrderRoutes(responder: responder).register(on: stores)
        PriceRoutes(responder: responder).register(on: stores)
        EventRoutes(backend: backend).register(on: stores)
        return router
    }
}

/// Responses that are not engine results.
enum PlainResponse {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        self.text(text, contentType: "application/json", status: status)
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The OpenAPI document (docs/openapi.yaml, shipped as this module's resource).
enum OpenAPIDocument {
    static let text: String? = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }()
}

/// Each documented route's request metrics, registered once at start so a
/// request only looks its route up (no registration, no lock, no allocation).
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

    func record(method: String, route: String?, status: Int, nanoseconds: UInt64) {
        let metrics = route.flatMap { routes[RouteKey(method: method, route: $0)] } ?? unmatched[method] ?? unmatchedOther
        metrics.record(status: status, durationNanoseconds: nanoseconds)
    }
}
