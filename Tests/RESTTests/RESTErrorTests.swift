import Foundation
import Testing

/// Every kind of refusal: status, problem+json body, stable code.
@Suite("REST: errors are problems with stable codes")
struct RESTErrorTests {
    @Test("malformed JSON, wrong types, unknown fields, out-of-range values → 400")
    func badRequests() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let cases: [(String, String)] = [
            (#"{"lines": [{"sku": "a", "quantity": 1}"#, "MALFORMED_REQUEST"),
            ("[1, 2]", "MALFORMED_REQUEST"),
            ("", "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": "one"}]}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": 1.5}]}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": 1e30}]}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": 1, "colour": "red"}]}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": 1}], "tll": 5}"#, "MALFORMED_REQUEST"),
            (#"{"ttlSeconds": 5}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": 1}], "ttlSeconds": null}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "location": null, "quantity": 1}]}"#, "MALFORMED_REQUEST"),
            (#"{"lines": [{"sku": "a", "quantity": 0}]}"#, "QUANTITY_OUT_OF_RANGE"),
            (#"{"lines": [{"sku": "a", "quantity": 1000000001}]}"#, "QUANTITY_OUT_OF_RANGE"),
            (#"{"lines": [{"sku": "a", "quantity": 1}], "ttlSeconds": 0}"#, "TTL_OUT_OF_RANGE"),
            (#"{"lines": []}"#, "LINE_COUNT_OUT_OF_RANGE"),
            (#"{"lines": [{"sku": "", "quantity": 1}]}"#, "INVALID_IDENTIFIER"),
        ]
        for (body, code) in cases {
            let reply = try await rest.send("POST", "/api/v1/stores/s1/reservations", json: body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.code == code, "\(body): \(reply.text)")
            #expect(reply.header("Content-Type") == "application/problem+json")
            #expect(reply.json["status"] as? Int == 400 && reply.json["detail"] is String)
            #expect(reply.json["requestID"] as? String == reply.header("X-Request-Id"))
        }
        let currency = try await rest.send(
            "POST", "/api/v1/stores/s1/orders",
            json: #"{"customerID": "c", "currency": "euro", "lines": [{"sku": "a", "quantity": 1, "unitPriceMinor": 1}]}"#)
        #expect(currency.status == 400 && currency.code == "INVALID_CURRENCY")
        let limit = try await rest.send("GET", "/api/v1/stores/s1/orders?customer=c&limit=101")
        #expect(limit.status == 400 && limit.code == "MALFORMED_REQUEST")
        let missing = try await rest.send("GET", "/api/v1/stores/s1/orders")
        #expect(missing.status == 400)
        let after = try await rest.send("GET", "/api/v1/stores/s1/events?after=-1")
        #expect(after.status == 400)
        let key = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "a", "quantity": 1}]}"#,
            headers: ["Idempotency-Key": String(repeating: "k", count: 65)])
        #expect(key.status == 400)
        let nonASCII = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "a", "quantity": 1}]}"#,
            headers: ["Idempotency-Key": "clé"])
        #expect(nonASCII.status == 400)
        let path = try await rest.send("GET", "/api/v1/stores/s1/inventory/%FF%FE")
        #expect(path.status == 400)
    }

    @Test("unknown store, SKU, reservation, cart, order, route → 404")
    func notFound() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let cases: [(String, String, String?, String)] = [
            ("GET", "/api/v1/stores/nope/inventory/a", nil, "UNKNOWN_STORE"),
            ("GET", "/api/v1/stores/s1/inventory/zzz", nil, "UNKNOWN_SKU"),
            ("POST", "/api/v1/stores/s1/inventory/zzz/adjust", #"{"delta": 1, "reason": "r"}"#, "UNKNOWN_SKU"),
            ("GET", "/api/v1/stores/s1/reservations/r-x", nil, "UNKNOWN_RESERVATION"),
            ("DELETE", "/api/v1/stores/s1/reservations/r-x", nil, "UNKNOWN_RESERVATION"),
            ("GET", "/api/v1/stores/s1/carts/c-x", nil, "UNKNOWN_CART"),
            ("GET", "/api/v1/stores/s1/orders/o-x", nil, "UNKNOWN_ORDER"),
            ("POST", "/api/v1/stores/s1/orders/o-x/pay", nil, "UNKNOWN_ORDER"),
            ("GET", "/api/v1/nothing", nil, "NOT_FOUND"),
        ]
        for (method, path, body, code) in cases {
            let reply = try await rest.send(method, path, json: body)
            #expect(reply.status == 404, "\(method) \(path)")
            #expect(reply.code == code, "\(method) \(path): \(reply.text)")
        }
    }

    @Test("a known path with a method it does not have → 405 with Allow")
    func methodNotAllowed() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let patch = try await rest.send("PATCH", "/api/v1/stores/s1/inventory/a", json: "{}")
        #expect(patch.status == 405 && patch.code == "METHOD_NOT_ALLOWED")
        #expect(patch.header("Allow") == "GET, PUT")
        let delete = try await rest.send("DELETE", "/api/v1/stores/s1/orders")
        #expect(delete.status == 405 && delete.header("Allow") == "POST, GET")
    }

    @Test("insufficient stock, an Idempotency-Key reused with other content, bad transitions → 409")
    func conflicts() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let short = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "a", "quantity": 6}]}"#)
        #expect(short.status == 409 && short.code == "INSUFFICIENT_STOCK")
        #expect(short.json["number"] as? Int == 300 && short.json["available"] as? Int == 5)
        #expect(short.json["requested"] as? Int == 6 && short.json["sku"] as? String == "a")

        let first = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "a", "quantity": 1}]}"#,
            headers: ["Idempotency-Key": "same"])
        #expect(first.status == 201)
        let conflict = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "a", "quantity": 2}]}"#,
            headers: ["Idempotency-Key": "same"])
        #expect(conflict.status == 409 && conflict.code == "IDEMPOTENCY_CONFLICT" && conflict.json["number"] as? Int == 307)
        let adjust = try await rest.send(
            "POST", "/api/v1/stores/s1/inventory/a/adjust", json: #"{"delta": 1, "reason": "found"}"#,
            headers: ["Idempotency-Key": "adj"])
        #expect(adjust.status == 200)
        let adjustConflict = try await rest.send(
            "POST", "/api/v1/stores/s1/inventory/a/adjust", json: #"{"delta": 2, "reason": "found"}"#,
            headers: ["Idempotency-Key": "adj"])
        #expect(adjustConflict.status == 409 && adjustConflict.code == "IDEMPOTENCY_CONFLICT")

        _ = try await rest.send(
            "POST", "/api/v1/stores/s1/orders",
            json: #"{"orderID": "o", "customerID": "c", "currency": "EUR", "lines": [{"sku": "a", "quantity": 1, "unitPriceMinor": 1}]}"#)
        let fulfil = try await rest.send("POST", "/api/v1/stores/s1/orders/o/fulfill")
        #expect(fulfil.status == 409 && fulfil.code == "INVALID_TRANSITION")
        let released = try await rest.send("DELETE", "/api/v1/stores/s1/reservations/same")
        #expect(released.status == 200)
        let extend = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations/same/extend", json: #"{"ttlSeconds": 60}"#)
        #expect(extend.status == 409 && extend.code == "RESERVATION_NOT_ACTIVE")
    }

    @Test("a body that is not JSON by its Content-Type → 415; larger than 1 MiB → 413")
    func mediaAndSize() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let form = try await rest.send(
            "PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 1}"#,
            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(form.status == 415 && form.code == "UNSUPPORTED_MEDIA_TYPE")
        let big = "{\"reason\": \"" + String(repeating: "x", count: 1_100_000) + "\", \"delta\": 1}"
        let large = try await rest.send("POST", "/api/v1/stores/s1/inventory/a/adjust", json: big)
        #expect(large.status == 413 && large.code == "PAYLOAD_TOO_LARGE")
    }
}
