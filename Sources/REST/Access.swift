import Auth
import Engine
import Foundation
import Logging
import Wire

/// Authorization of one request's command, result or event read, with the same
/// `AccessPolicy` the wire server applies. A refusal is 403 `ACCESS_DENIED` and
/// one structured `ACCESS_DENIED` log line.
enum Access {
    static func authorize(_ command: Command, _ context: RESTContext) throws {
        guard let caller = context.caller else { throw Authentication.missingCaller }
        if case .denied(let reason) = AccessPolicy.check(caller, command) {
            throw denied(reason, operation: command.operationName, context)
        }
    }

    static func authorizeEvents(store: String, _ context: RESTContext) throws {
        guard let caller = context.caller else { throw Authentication.missingCaller }
        if case .denied(let reason) = AccessPolicy.checkEvents(caller, store: store) {
            throw denied(reason, operation: "events", context)
        }
    }

    private static func denied(_ reason: String, operation: String, _ context: RESTContext) -> Problem {
        AccessLog.denied(status: 403, reason: reason, operation: operation, context)
        return Problem(ProtocolErrorCode.accessDenied, status: .forbidden, detail: reason)
    }
}

enum Authentication {
    static let missingCaller = Problem(.internalError, status: .internalServerError, detail: "request not authenticated")

    /// Bearer-token authentication of a request routed under
    /// `/api/v1/stores/{store}`, before its handler runs: sets the context's
    /// caller, or throws 401 (503 while the node recovers or stops). The
    /// router applies it to whatever spelling of the path it resolves there.
    static func authenticate(_ request: RESTRequest, _ context: inout RESTContext, backend: RESTBackend) throws {
        // Recovering or stopping: 503 before anything else.
        guard let authenticator = backend.authenticator else {
            _ = try backend.readyRuntime()
            throw missingCaller
        }
        let bearer = bearerToken(request.field("Authorization"))
        let now = Int64(Date().timeIntervalSince1970)
        switch authenticator.authenticate(bearer: bearer, now: now) {
        case .success(let principal):
            context.caller = principal
        case .failure(let failure):
            AccessLog.denied(status: 401, reason: failure.reason, operation: request.method, context)
            var problem = Problem(ProtocolErrorCode.authenticationFailed, status: .unauthorized, detail: failure.reason)
            problem.wwwAuthenticate = bearer == nil ? "Bearer" : "Bearer error=\"invalid_token\""
            throw problem
        }
    }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive); nil if absent or another scheme.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let scalars = parts[1].unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
            let last = scalars.lastIndex(where: { !isBlank($0) })
        else { return nil }
        return String(scalars[first...last])
    }

    /// A tab or a space separator (Unicode Zs): what `CharacterSet.whitespaces` holds.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || scalar == "\t" }
        return scalar.properties.generalCategory == .spaceSeparator
    }
}

/// The `ACCESS_DENIED` log line: who, what, why — never the token.
enum AccessLog {
    static func denied(status: Int, reason: String, operation: String, _ context: RESTContext) {
        var metadata: Logger.Metadata = [
            "event": "ACCESS_DENIED", "status": .stringConvertible(status), "request_id": .string(context.requestID),
            "peer": .string(context.peer), "operation": .string(operation), "reason": .string(reason),
            "route": .string(context.routeTemplate ?? "unmatched"),
        ]
        if let caller = context.caller {
            metadata["role"] = .string(caller.role.rawValue)
            metadata["store"] = .string(caller.store)
            // A customer's subject is its customer id: the log handler masks `customer`.
            metadata[caller.role == .customer ? "customer" : "subject"] = .string(caller.subject)
        }
        context.logger.warning("ACCESS_DENIED", metadata: metadata)
    }
}
