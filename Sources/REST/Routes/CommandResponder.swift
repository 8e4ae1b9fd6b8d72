import Auth
import Engine
import NIOCore

/// Runs one engine command for a request — authorization, then (by the
/// connection) execution, then the JSON view of its result — so every route
/// is: read the request, build the command, `run` it. Domain rules live only
/// in the engine.
struct CommandResponder: Sendable {
    /// Authorizes `command` for the caller; the connection runs it and answers
    /// with `response(for:createdAt:)`. With `createdAt`, a new entity answers
    /// 201 with a `Location` header; a replay of an earlier request (same id
    /// or Idempotency-Key, same content) answers 200 with `Idempotent-Replayed: true`.
    func run(_ command: Command, _ context: RESTContext, createdAt location: String? = nil) throws -> RouteAnswer {
        try Access.authorize(command, context)
        return .command(command, createdAt: location)
    }

    /// The response for a command's result.
    static func response(for result: CommandResult, createdAt location: String?) -> RESTResponse {
        let (body, replayed) = view(of: result)
        var response = RESTResponse.json(body)
        if replayed { response.headers.add(name: replayedField, value: "true") }
        if let location, !replayed {
            response.status = .created
            response.headers.add(name: "Location", value: location)
        }
        return response
    }

    static let replayedField = "Idempotent-Replayed"

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
    /// `text` with every UTF-8 byte written as `%XX` (upper-case hex) but
    /// letters, digits and `-._~!$&'()*+,=:@` — the bytes Foundation's
    /// `urlPathAllowed` keeps, less `/` (RFC 3986's `pchar` without `;`).
    static func encode(_ text: String) -> String {
        guard !text.utf8.allSatisfy(isAllowed) else { return text }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isAllowed(byte) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: false
        }
    }
}
