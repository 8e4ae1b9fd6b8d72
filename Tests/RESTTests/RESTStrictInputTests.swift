import Foundation
import Testing

/// Bodies are parsed once by the strict parser; anything it does not accept,
/// any media type but JSON in UTF-8, and any path id that is not exactly its
/// percent-decoded bytes is refused.
@Suite("REST: strict bodies, media types and path ids")
struct RESTStrictInputTests {
    static let reservationPath = "/api/v1/stores/s1/reservations"

    @Test("trailing commas, duplicate keys, non-integer spellings, out-of-range integers → 400 naming the problem")
    func strictJSON() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let cases: [(body: String, detail: String)] = [
            (#"{"lines": [{"sku": "a", "quantity": 1}],}"#, "member name expected"),
            (#"{"lines": [{"sku": "a", "quantity": 1},]}"#, "unexpected character"),
            (#"{"lines": [{"sku": "a", "quantity": 1, "quantity": 2}]}"#, "duplicate JSON member 'quantity'"),
            (#"{"lines": [{"sku": "a", "quantity": 1}], "lines": []}"#, "duplicate JSON member 'lines'"),
            (#"{"lines": [{"sku": "a", "quantity": 1.0}]}"#, "'lines[0].quantity' must be an integer"),
            (#"{"lines": [{"sku": "a", "quantity": 1e0}]}"#, "'lines[0].quantity' must be an integer"),
            (#"{"lines": [{"sku": "a", "quantity": 1}], "ttlSeconds": -0}"#, "'ttlSeconds' must be an integer"),
            (#"{"lines": [{"sku": "a", "quantity": 9223372036854775808}]}"#, "integer out of range"),
            (#"{"lines": [{"sku": "a", "quantity": -9223372036854775809}]}"#, "integer out of range"),
            (#"{"lines": [{"sku": "a", "quantity": 1}], "owner": null}"#, "'owner' is null"),
            (#"{"lines": [{"sku": "a", "quantity": 1}]} x"#, "bytes after the JSON object"),
            (#"{"lines": {"sku": "a", "quantity": 1}}"#, "'lines' must be an array"),
            (#"{"lines": [{"sku": 7, "quantity": 1}]}"#, "'lines[0].sku' must be a string"),
            (#"{"lines": [{"quantity": 1}]}"#, "missing field 'lines[0].sku'"),
        ]
        for (body, detail) in cases {
            let reply = try await rest.send("POST", Self.reservationPath, json: body)
            #expect(reply.status == 400 && reply.code == "MALFORMED_REQUEST", "\(body): \(reply.text)")
            #expect((reply.json["detail"] as? String)?.contains(detail) == true, "\(body): \(reply.text)")
            #expect(reply.header("Content-Type") == "application/problem+json")
        }
        let fine = try await rest.send("POST", Self.reservationPath, json: #"{"lines": [{"sku": "a", "quantity": 1}]}"#)
        #expect(fine.status == 201, "\(fine.text)")
    }

    @Test("a byte order mark, UTF-16 and UTF-32 bodies → 400")
    func encodings() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let json = #"{"lines": [{"sku": "a", "quantity": 1}]}"#
        let bodies: [(bytes: [UInt8], detail: String)] = [
            ([0xEF, 0xBB, 0xBF] + Array(json.utf8), "byte order mark"),
            ([0xFF, 0xFE] + Self.utf16LittleEndian(json), "UTF-16 or UTF-32"),
            (Self.utf16LittleEndian(json), "UTF-16 or UTF-32"),
            (Array(json.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, "UTF-16 or UTF-32"),
            (json.unicodeScalars.flatMap { [UInt8($0.value & 0xFF), 0, 0, 0] }, "UTF-16 or UTF-32"),
        ]
        for (bytes, detail) in bodies {
            let reply = try await Self.post(rest, Self.reservationPath, body: bytes, contentType: "application/json")
            #expect(reply.status == 400 && reply.json["code"] as? String == "MALFORMED_REQUEST", "\(reply.text)")
            #expect((reply.json["detail"] as? String)?.contains(detail) == true, "\(reply.text)")
        }
    }

    @Test("no Content-Type, or anything but application/json in UTF-8 → 415")
    func mediaTypes() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let body = Array(#"{"onHand": 5}"#.utf8)
        let path = "/api/v1/stores/s1/inventory/a"
        let refused: [String?] = [
            nil, "application/jsonx", "text/json", "application/json-seq", "application/json; charset=latin-1",
            "application/json;charset=UTF-16", "application/json; charset", "",
        ]
        for contentType in refused {
            let reply = try await Self.post(rest, path, method: "PUT", body: body, contentType: contentType)
            #expect(reply.status == 415, "\(contentType ?? "none"): \(reply.text)")
            #expect(reply.json["code"] as? String == "UNSUPPORTED_MEDIA_TYPE" && reply.json["number"] as? Int == 523)
            #expect(reply.headers["content-type"] == "application/problem+json")
        }
        let accepted = ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""]
        for contentType in accepted {
            let reply = try await Self.post(rest, path, method: "PUT", body: body, contentType: contentType)
            #expect(reply.status == 200, "\(contentType): \(reply.text)")
        }
    }

    @Test("path ids are their percent-decoded bytes exactly; invalid encodings → 400")
    func pathIdentifiers() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/abc", json: #"{"onHand": 5}"#)
        let created = try await rest.send("PUT", "/api/v1/stores/s1/inventory/caf%C3%A9", json: #"{"onHand": 1}"#)
        #expect(created.status == 200)
        let read = try await rest.send("GET", "/api/v1/stores/s1/inventory/caf%C3%A9")
        #expect(read.status == 200 && read.json["sku"] as? String == "caf\u{E9}", "\(read.text)")
        for lookalike in ["%EF%BB%BFabc", "abc%EF%BB%BF", "%E2%80%8Babc", "cafe%CC%81"] {
            let reply = try await Self.get(rest, "/api/v1/stores/s1/inventory/\(lookalike)")
            #expect(reply.status != 200, "\(lookalike) answered \(reply.text)")
        }
        for invalid in ["%zzabc", "abc%4", "%C3", "%FF%FE"] {
            let reply = try await Self.get(rest, "/api/v1/stores/s1/inventory/\(invalid)")
            #expect(
                reply.status == 400 && reply.json["code"] as? String == "MALFORMED_REQUEST", "\(invalid): \(reply.text)"
            )
        }
    }

    @Test("query parameters are their percent-decoded bytes exactly; invalid or repeated → 400")
    func queryParameters() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let placed = try await rest.send(
            "POST", "/api/v1/stores/s1/orders",
            json:
                #"{"customerID": "c", "currency": "EUR", "lines": [{"sku": "a", "quantity": 1, "unitPriceMinor": 1}]}"#)
        #expect(placed.status == 201)
        let own = try await Self.get(rest, "/api/v1/stores/s1/orders?customer=c")
        #expect((own.json["orders"] as? [Any])?.count == 1, "\(own.text)")
        let lookalike = try await Self.get(rest, "/api/v1/stores/s1/orders?customer=%EF%BB%BFc")
        #expect(lookalike.status != 200 || (lookalike.json["orders"] as? [Any])?.isEmpty == true, "\(lookalike.text)")
        for query in ["customer=%FF", "customer=c%4", "customer=c&customer=d", "customer=c&limit=1&limit=2"] {
            let reply = try await Self.get(rest, "/api/v1/stores/s1/orders?\(query)")
            #expect(
                reply.status == 400 && reply.json["code"] as? String == "MALFORMED_REQUEST", "\(query): \(reply.text)")
        }
    }

    static func utf16LittleEndian(_ text: String) -> [UInt8] {
        Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// Sends exactly these bytes, with this `Content-Type` (none when nil), over a new connection.
    static func post(
        _ rest: RESTHarness, _ path: String, method: String = "POST", body: [UInt8], contentType: String?
    ) async throws -> RawResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        head += "Authorization: Bearer \(RESTHarness.adminToken)\r\nContent-Length: \(body.count)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        return try await exchange(rest, Array((head + "\r\n").utf8) + body)
    }

    static func get(_ rest: RESTHarness, _ path: String) async throws -> RawResponse {
        let head = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        return try await exchange(rest, Array((head + "Authorization: Bearer \(RESTHarness.adminToken)\r\n\r\n").utf8))
    }

    static func exchange(_ rest: RESTHarness, _ request: [UInt8]) async throws -> RawResponse {
        let connection = try rest.connect()
        return try await RawConnection.blocking {
            try connection.send(request)
            return try connection.readResponse()
        }
    }
}
