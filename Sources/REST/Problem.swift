import Engine
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Wire

/// An `application/problem+json` error (RFC 9457) with Holdfast's stable code.
///
/// `code` is the same symbolic name the wire protocol and the CLI use
/// (`INSUFFICIENT_STOCK`), `number` the numeric code (300); engine errors add
/// the fields that explain them (`sku`, `requested`, `available`, ...).
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var number: Int
    public var title: String
    public var detail: String
    public var fields: [String: ProblemField]
    /// Seconds a client should wait before retrying (`Retry-After`), for `busy`.
    public var retryAfterSeconds: Int?
    /// The `WWW-Authenticate` challenge of a 401.
    public var wwwAuthenticate: String?

    public init(
        status: HTTPResponse.Status, code: String, number: Int, detail: String,
        fields: [String: ProblemField] = [:], retryAfterSeconds: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.number = number
        self.title = status.reasonPhrase
        self.detail = detail
        self.fields = fields
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// A per-code field of a problem.
public enum ProblemField: Sendable, Equatable, Encodable {
    case text(String)
    case integer(Int64)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .integer(let value): try container.encode(value)
        }
    }
}

/// Codes of errors only the REST layer gives (the engine's are 100–402, the
/// wire protocol's 500–510, `ProtocolErrorCode`, which REST also uses for
/// malformed requests, refused tokens and denied access). Stable; never renumbered.
public enum RESTErrorCode: Int, Sendable {
    /// No such route.
    case notFound = 520
    case methodNotAllowed = 521
    case payloadTooLarge = 522
    case unsupportedMediaType = 523
    /// The node is still recovering (`/readyz` says so too).
    case notReady = 524
    case internalError = 599

    public var name: String {
        switch self {
        case .notFound: "NOT_FOUND"
        case .methodNotAllowed: "METHOD_NOT_ALLOWED"
        case .payloadTooLarge: "PAYLOAD_TOO_LARGE"
        case .unsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE"
        case .notReady: "NOT_READY"
        case .internalError: "INTERNAL_ERROR"
        }
    }
}

extension Problem {
    public init(_ code: RESTErrorCode, status: HTTPResponse.Status, detail: String) {
        self.init(status: status, code: code.name, number: code.rawValue, detail: detail)
    }

    /// A problem with the wire protocol's code of the same meaning.
    public init(_ code: ProtocolErrorCode, status: HTTPResponse.Status, detail: String) {
        self.init(status: status, code: code.name, number: Int(code.rawValue), detail: detail)
    }

    public static func malformed(_ detail: String) -> Problem {
        Problem(ProtocolErrorCode.malformedRequest, status: .badRequest, detail: detail)
    }

    /// The HTTP status and fields for an engine error: input errors 400, unknown
    /// things 404, state conflicts 409, the runtime 503.
    public init(_ error: EngineError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case 100..<200: .badRequest
            case 200..<300: .notFound
            case EngineError.notOwner(entity: "", id: "").code: .forbidden
            case 300..<400: .conflict
            default: .serviceUnavailable
            }
        self.init(
            status: status, code: error.name, number: Int(error.code), detail: error.description,
            fields: Problem.fields(of: error), retryAfterSeconds: error == .busy ? 1 : nil)
    }

    private static func fields(of error: EngineError) -> [String: ProblemField] {
        switch error {
        case .invalidIdentifier(let field, _), .invalidArgument(let field, _): ["field": .text(field)]
        case .quantityOutOfRange(let field, let value), .amountOutOfRange(let field, let value):
            ["field": .text(field), "value": .integer(value)]
        case .lineCountOutOfRange(let count, let max): ["count": .integer(Int64(count)), "max": .integer(Int64(max))]
        case .ttlOutOfRange(let seconds): ["ttlSeconds": .integer(seconds)]
        case .invalidCurrency(let currency): ["currency": .text(currency)]
        case .unknownStore(let store): ["store": .text(store)]
        case .unknownSKU(let sku): ["sku": .text(sku)]
        case .unknownLocation(let sku, let location): ["sku": .text(sku), "location": .text(location)]
        case .unknownReservation(let id), .reservationExpired(let id): ["reservationID": .text(id)]
        case .unknownCart(let id), .cartEmpty(let id): ["cartID": .text(id)]
        case .unknownOrder(let id): ["orderID": .text(id)]
        case .insufficientStock(let sku, let requested, let available):
            ["sku": .text(sku), "requested": .integer(requested), "available": .integer(available)]
        case .stockBelowCommitments(let sku, let location, let minimumOnHand):
            ["sku": .text(sku), "location": .text(location), "minimumOnHand": .integer(minimumOnHand)]
        case .reservationNotActive(let id, let status):
            ["reservationID": .text(id), "reservationStatus": .text(status.description)]
        case .invalidTransition(let orderID, let from, let to):
            ["orderID": .text(orderID), "from": .text(from.description), "to": .text(to.description)]
        case .missingPrice(let sku): ["sku": .text(sku)]
        case .idempotencyConflict(let key): ["key": .text(key)]
        case .limitReached(let limit): ["limit": .text("\(limit)")]
        case .journalFailure(let reason): ["reason": .text(reason)]
        case .notOwner(let entity, let id): ["entity": .text(entity), "id": .text(id)]
        case .priceMismatch(let sku, let listed):
            ["sku": .text(sku), "currency": .text(listed.currency), "listedUnitPriceMinor": .integer(listed.unitPriceMinor)]
        case .busy, .shuttingDown: [:]
        }
    }

    /// The response: the problem as JSON, `application/problem+json`, and
    /// `Retry-After` when the client should come back.
    func response(requestID: String, path: String) -> RESTResponse {
        var response = RESTResponse(
            status: .custom(code: UInt(status.code), reasonPhrase: status.reasonPhrase),
            contentType: "application/problem+json", body: body(requestID: requestID, path: path))
        if let retryAfterSeconds { response.headers.add(name: "Retry-After", value: String(retryAfterSeconds)) }
        if let wwwAuthenticate { response.headers.add(name: "WWW-Authenticate", value: wwwAuthenticate) }
        return response
    }

    /// The problem's JSON document.
    func body(requestID: String, path: String) -> ByteBuffer {
        var object: [String: ProblemField] = fields
        object["type"] = .text("https://holdfast.dev/problems/\(code.lowercased().replacingOccurrences(of: "_", with: "-"))")
        object["title"] = .text(title)
        object["status"] = .integer(Int64(status.code))
        object["detail"] = .text(detail)
        object["code"] = .text(code)
        object["number"] = .integer(Int64(number))
        object["instance"] = .text(path)
        object["requestID"] = .text(requestID)
        return JSONOutput.encode(object)
    }
}

/// JSON output: sorted keys, so responses are stable and diffable, and a final newline.
enum JSONOutput {
    static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value we encode is a plain struct of strings, integers and booleans.
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))  // so `curl` output ends its line
        return ByteBuffer(bytes: data)
    }
}
