import Auth
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// Runs one engine command for a request — authorization, execution, the JSON
/// view of its result — so every route is: read the request, build the command,
/// `run` it. Domain rules live only in the engine.
struct CommandResponder: Sendable {
    let backend: RESTBackend

    /// Authorizes and runs `command`. With `createdAt`, a new entity answers 201
    /// with a `Location` header; a replay of an earlier request (same id or
    /// Idempotency-Key, same content) answers 200 with `Idempotent-Replayed: true`.
    func run(_ command: Command, _ context: RESTContext, createdAt location: String? = nil) async throws -> Response {
        try Access.authorize(command, context)
        let result = try await backend.execute(command, caller: context.caller?.caller ?? .service)
        let (body, replayed) = CommandResponder.view(of: result)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if replayed { headers[CommandResponder.replayedField] = "true" }
        var status = HTTPResponse.Status.ok
        if let location, !replayed {
            status = .created
            headers[.location] = location
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    static let replayedField = HTTPField.Name("Idempotent-Replayed")!

    /// The JSON of a result, and whether it answers a repeated request.
    static func view(of result: CommandResult) -> (ByteBuffer, replayed: Bool) {
        switch result {
        case .stockRecord(let view): (JSONResponseWriter.document(StockRecordJSON(view)), view.replayed)
        case .stock(let view): (JSONResponseWriter.document(StockJSON(view)), false)
        case .locationPriority(let locations): (JSONOutput.encode(LocationPriorityJSON(locations: locations)), false)
        case .reservation(let view): (JSONResponseWriter.document(ReservationJSON(view)), view.replayed)
        case .availability(let lines): (JSONOutput.encode(AvailabilityJSON(lines)), false)
        case .cart(let view): (JSONOutput.encode(CartJSON(view)), view.replayed)
        case .order(let view): (JSONOutput.encode(OrderJSON(view)), view.replayed)
        case .orders(let page): (JSONOutput.encode(OrderPageJSON(page)), false)
        case .price(let view): (JSONOutput.encode(PriceJSON(view)), view.replayed)
        case .tick(let report):
            (JSONOutput.encode(["expiredReservations": report.expiredReservations, "purgedRecords": report.purgedRecords]), false)
        }
    }
}

/// Percent-encodes one path segment for `Location` headers.
enum PathSegment {
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
