import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Around every request: the request id (the client's `X-Request-Id` if safe,
/// else a new one) on the response and in every log line, errors turned into
/// problem responses, one access-log line, and the metrics observation.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = RESTContext

    let backend: RESTBackend
    let observe: @Sendable (RequestObservation) -> Void

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    func handle(
        _ request: Request, context: RESTContext, next: (Request, RESTContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let offered = request.headers[Self.requestIDField], RequestIDs.isAcceptable(offered) {
            context.requestID = offered
        }
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await Authentication.authenticate(request, &context, backend: backend) {
                try await next(request, $0)
            }
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
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath.map(Self.openAPIForm) ?? "unmatched"
        observe(
            RequestObservation(
                route: route, method: request.method.rawValue, status: Int(response.status.code), seconds: seconds))
        context.logger.info(
            "request",
            metadata: [
                "request_id": .string(context.requestID), "method": .string(request.method.rawValue),
                "route": .string(route), "status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.3f", seconds * 1_000)),
            ])
        return response
    }

    /// `/api/v1/stores/:store/orders/:id` as OpenAPI writes it: `/api/v1/stores/{store}/orders/{id}`.
    static func openAPIForm(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }
        let joined = segments.joined(separator: "/")
        return joined.hasPrefix("/") ? joined : "/" + joined
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
