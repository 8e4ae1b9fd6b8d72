import Engine
import Foundation
import Observability

/// Reading the parts of a request: path and query parameters (percent-decoded
/// byte for byte), query integers within bounds, and the `Idempotency-Key` header.
enum RequestParts {
    /// A path parameter, percent-decoded byte for byte (`PathSegment.decode`);
    /// the engine checks it as an identifier.
    static func path(_ name: String, _ context: RESTContext) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw Problem(.notFound, status: .notFound, detail: "missing path parameter '\(name)'")
        }
        guard let decoded = PathSegment.decode(raw) else {
            throw Problem.malformed("path parameter '\(name)' is not valid percent-encoded UTF-8")
        }
        return decoded
    }

    /// A query parameter, percent-decoded byte for byte like a path segment;
    /// nil when absent. Given twice, or not valid percent-encoded UTF-8: 400.
    static func query(_ name: String, _ request: RESTRequest) throws -> String? {
        var found: String?
        for pair in (request.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == name else { continue }
            guard found == nil else { throw Problem.malformed("query parameter '\(name)' is given more than once") }
            guard let value = PathSegment.decode(parts.count == 2 ? parts[1] : "") else {
                throw Problem.malformed("query parameter '\(name)' is not valid percent-encoded UTF-8")
            }
            found = value
        }
        return found
    }

    /// An optional integer query parameter within `range`.
    static func integer<Value: FixedWidthInteger>(
        _ name: String, _ request: RESTRequest, in range: ClosedRange<Value>
    ) throws -> Value? {
        guard let text = try query(name, request) else { return nil }
        guard let value = Value(text), range.contains(value) else {
            throw Problem.malformed("query parameter '\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The `Idempotency-Key` header: 1–64 bytes without control characters (as
    /// every engine key); nil when absent.
    static func idempotencyKey(_ request: RESTRequest) throws -> String? {
        guard let key = request.field(idempotencyKeyField) else { return nil }
        let bytes = key.utf8.count
        guard (1...Limits.requestKeyMaxBytes).contains(bytes),
            key.utf8.allSatisfy({ (0x20...0x7E).contains($0) })
        else {
            throw Problem.malformed(
                "Idempotency-Key must be 1...\(Limits.requestKeyMaxBytes) printable ASCII characters")
        }
        return key
    }

    static let idempotencyKeyField = "Idempotency-Key"

    /// The id of an entity a POST creates: the body's, else the Idempotency-Key
    /// (so a retry with the same key names the same entity and the engine
    /// answers it as a replay), else a new random one.
    static func entityID(body: String?, key: String?, prefix: String) -> String {
        if let body { return body }
        if let key { return key }
        return prefix + RequestID.generate()
    }
}
