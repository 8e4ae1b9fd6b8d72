import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Observability

/// Around every request: the request id (the client's `X-Request-Id` if safe,
/// else a new one) on the response and in every log line, errors turned into
/// problem responses, one access-log line, and the metrics observation.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = RESTContext

    let routeMetrics: RouteMetricsTable?

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    func handle(
        _ request: Request, context: RESTContext, next: (Request, RESTContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let offered = request.headers[Self.requestIDField] { context.requestID = RequestID.accept(offered) }
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = problem.response(requestID: context.requestID, path: request.uri.path)
        } catch let error as HTTPError {
            var problem = Self.problem(for: error)
            var allow: String?
            if error.status == .notFound, let methods = AllowedMethods.fromDocument.methods(for: request.uri.path),
                !methods.contains(request.method.rawValue)
            {
                problem = Problem(
                    .methodNotAllowed, status: .methodNotAllowed,
                    detail: "\(request.method.rawValue) is not allowed here; allowed: \(methods.joined(separator: ", "))")
                allow = methods.joined(separator: ", ")
            }
            response = problem.response(requestID: context.requestID, path: request.uri.path)
            if let allow { response.headers[.allow] = allow }
        } catch {
            context.logger.error(
                "request failed", metadata: ["request_id": .string(context.requestID), "error": "\(error)"])
            response = Problem(.internalError, status: .internalServerError, detail: "internal error")
                .response(requestID: context.requestID, path: request.uri.path)
        }
        response.headers[Self.requestIDField] = context.requestID
        let elapsed = started.duration(to: .now)
        let nanoseconds = UInt64(elapsed.components.seconds) * 1_000_000_000
            + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        // Hummingbird's endpoint path is the route pattern (`/api/v1/stores/{store}/…`), never the raw path.
        let route = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil }
        let status = Int(response.status.code)
        routeMetrics?.record(method: request.method.rawValue, route: route, status: status, nanoseconds: nanoseconds)
        context.logger.info(
            "request",
            metadata: StructuredLogging.requestMetadata(
                requestID: context.requestID, method: request.method.rawValue,
                path: route ?? HTTPMetrics.unmatchedRoute, status: status, durationNanoseconds: nanoseconds))
        return response
    }

    /// Hummingbird's own errors (unmatched route, body too large) as problems.
    static func problem(for error: HTTPError) -> Problem {
        switch error.status {
        case .notFound: Problem(.notFound, status: .notFound, detail: "no such route or method")
        case .contentTooLarge: Problem(.payloadTooLarge, status: .contentTooLarge, detail: "the body is too large")
        case .methodNotAllowed: Problem(.methodNotAllowed, status: .methodNotAllowed, detail: "method not allowed")
        default:
            Problem.malformed(error.body ?? "the request could not be read (\(error.status.code))")
        }
    }
}
