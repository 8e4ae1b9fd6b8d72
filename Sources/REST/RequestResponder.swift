import Engine
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Observability

/// Every request's steps, apart from reading and writing it: route,
/// authenticate, run the handler; errors become problem responses; then the
/// request id on the response, the metrics observation and one access-log line.
/// It runs on the connection's event loop and never blocks.
struct RequestResponder: Sendable {
    let router: RESTRouter
    let backend: RESTBackend
    let routeMetrics: RouteMetricsTable?
    let logger: Logger

    static let requestIDField = "X-Request-Id"

    /// A new request's context: the client's `X-Request-Id` if safe, else a new one.
    func context(for request: RESTRequest, remoteAddress: SocketAddress?) -> RESTContext {
        RESTContext(
            requestID: RequestID.accept(request.field(Self.requestIDField)), remoteAddress: remoteAddress,
            logger: logger)
    }

    /// Routes `request`, authenticates it if its route needs a token, and runs
    /// the route's handler; any refusal is a problem response.
    func answer(_ request: RESTRequest, _ context: inout RESTContext) -> RouteAnswer {
        do {
            guard let (route, parameters) = router.match(request.path),
                let endpoint = route.endpoint(for: request.head.method)
            else { return .response(Self.unrouted(request, context)) }
            context.routeTemplate = route.template
            context.parameters = parameters
            context.routeMetrics = endpoint.metrics
            if route.authenticated { try Authentication.authenticate(request, &context, backend: backend) }
            return try endpoint.handler(request, context)
        } catch {
            return .response(problemResponse(error, request, context))
        }
    }

    /// The response for a command's outcome.
    func response(for outcome: Outcome, createdAt location: String?, _ request: RESTRequest, _ context: RESTContext)
        -> RESTResponse
    {
        switch outcome {
        case .success(let result): CommandResponder.response(for: result, createdAt: location)
        case .failure(let error): problemResponse(Problem(error), request, context)
        }
    }

    /// The problem response for an error a step threw.
    func problemResponse(_ error: any Error, _ request: RESTRequest, _ context: RESTContext) -> RESTResponse {
        if let problem = error as? Problem {
            return problem.response(requestID: context.requestID, path: String(request.path))
        }
        context.logger.error("request failed", metadata: ["request_id": .string(context.requestID), "error": "\(error)"])
        return Problem(.internalError, status: .internalServerError, detail: "internal error")
            .response(requestID: context.requestID, path: String(request.path))
    }

    /// 404, or 405 with `Allow` for a path the document knows with other methods.
    private static func unrouted(_ request: RESTRequest, _ context: RESTContext) -> RESTResponse {
        let path = String(request.path)
        let method = request.method
        guard let methods = AllowedMethods.fromDocument.methods(for: path), !methods.contains(method) else {
            return Problem(.notFound, status: .notFound, detail: "no such route or method")
                .response(requestID: context.requestID, path: path)
        }
        let allowed = methods.joined(separator: ", ")
        var response = Problem(
            .methodNotAllowed, status: .methodNotAllowed, detail: "\(method) is not allowed here; allowed: \(allowed)"
        ).response(requestID: context.requestID, path: path)
        response.headers.add(name: "Allow", value: allowed)
        return response
    }

    /// Puts the request id on `response`, counts the request by route and
    /// status, and logs it.
    func finish(_ response: inout RESTResponse, _ request: RESTRequest, _ context: RESTContext, started: NIODeadline) {
        response.headers.add(name: Self.requestIDField, value: context.requestID)
        let elapsed = NIODeadline.now() - started
        let nanoseconds = UInt64(max(0, elapsed.nanoseconds))
        let status = Int(response.status.code)
        let method = request.method
        if let routeMetrics {
            let metrics = context.routeMetrics ?? routeMetrics.unmatched(method: method)
            metrics.record(status: status, durationNanoseconds: nanoseconds)
        }
        context.logger.info(
            "request",
            metadata: StructuredLogging.requestMetadata(
                requestID: context.requestID, method: method,
                path: context.routeTemplate ?? HTTPMetrics.unmatchedRoute, status: status,
                durationNanoseconds: nanoseconds))
    }
}
