import Foundation
import Testing

/// Every endpoint's success path, and the shape of what it answers.
@Suite("REST: every endpoint's success")
struct RESTEndpointTests {
    @Test("stock: set, adjust, read, check, location priority")
    func stock() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let set = try await rest.send(
            "PUT", "/api/v1/stores/s1/inventory/sku-1", json: #"{"onHand": 10, "lowStockThreshold": 2}"#)
        #expect(set.status == 200)
        #expect((set.json["levels"] as? [String: Any])?["onHand"] as? Int == 10)
        let other = try await rest.send(
            "PUT", "/api/v1/stores/s1/inventory/sku-1", json: #"{"location": "north", "onHand": 5}"#)
        #expect(other.status == 200 && other.json["location"] as? String == "north")
        let adjust = try await rest.send(
            "POST", "/api/v1/stores/s1/inventory/sku-1/adjust", json: #"{"delta": -3, "reason": "damaged"}"#,
            headers: ["Idempotency-Key": "adj-1"])
        #expect(adjust.status == 200)
        #expect((adjust.json["levels"] as? [String: Any])?["onHand"] as? Int == 7)
        let again = try await rest.send(
            "POST", "/api/v1/stores/s1/inventory/sku-1/adjust", json: #"{"delta": -3, "reason": "damaged"}"#,
            headers: ["Idempotency-Key": "adj-1"])
        #expect(again.status == 200 && again.header("Idempotent-Replayed") == "true")
        #expect((again.json["levels"] as? [String: Any])?["onHand"] as? Int == 7)
        let read = try await rest.send("GET", "/api/v1/stores/s1/inventory/sku-1")
        #expect(read.status == 200)
        #expect((read.json["totals"] as? [String: Any])?["onHand"] as? Int == 12)
        #expect((read.json["locations"] as? [Any])?.count == 2)
        let check = try await rest.send(
            "POST", "/api/v1/stores/s1/inventory/check",
            json: #"{"lines": [{"sku": "sku-1", "quantity": 12}, {"sku": "sku-1", "quantity": 13}]}"#)
        #expect(check.status == 200 && check.json["allSatisfiable"] as? Bool == false)
        let lines = try #require(check.json["lines"] as? [[String: Any]])
        #expect(lines.map { $0["satisfiable"] as? Bool } == [true, false])
        let priority = try await rest.send(
            "PUT", "/api/v1/stores/s1/location-priority", json: #"{"locations": ["north"]}"#)
        #expect(priority.status == 200)
        #expect(priority.json["locations"] as? [String] == ["north", "default"])
    }

    @Test("reservations: create (201 + Location), replay, read, extend, release, confirm")
    func reservations() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/hat", json: #"{"onHand": 10}"#)
        let body = #"{"lines": [{"sku": "hat", "quantity": 4}], "ttlSeconds": 60, "owner": "checkout-7"}"#
        let created = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: body, headers: ["Idempotency-Key": "r-1"])
        #expect(created.status == 201)
        #expect(created.header("Location") == "/api/v1/stores/s1/reservations/r-1")
        #expect(created.json["reservationID"] as? String == "r-1" && created.json["status"] as? String == "active")
        let replay = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: body, headers: ["Idempotency-Key": "r-1"])
        #expect(replay.status == 200 && replay.header("Idempotent-Replayed") == "true")
        let stock = try await rest.send("GET", "/api/v1/stores/s1/inventory/hat")
        #expect((stock.json["totals"] as? [String: Any])?["reserved"] as? Int == 4)

        let read = try await rest.send("GET", "/api/v1/stores/s1/reservations/r-1")
        #expect(read.status == 200 && read.json["owner"] as? String == "checkout-7")
        let extended = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations/r-1/extend", json: #"{"ttlSeconds": 600}"#)
        #expect(extended.status == 200)
        #expect((extended.json["deadlineNanoseconds"] as? Int ?? 0) > (read.json["deadlineNanoseconds"] as? Int ?? .max))

        let generated = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "hat", "quantity": 1}]}"#)
        #expect(generated.status == 201)
        let generatedID = try #require(generated.json["reservationID"] as? String)
        #expect(generatedID.hasPrefix("res-"))
        let released = try await rest.send("DELETE", "/api/v1/stores/s1/reservations/\(generatedID)")
        #expect(released.status == 200 && released.json["status"] as? String == "released")

        let confirmed = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations/r-1/confirm",
            json: #"{"orderID": "o-1", "customerID": "c-1", "currency": "EUR", "prices": [{"sku": "hat", "unitPriceMinor": 1500}], "taxMinor": 300}"#
        )
        #expect(confirmed.status == 201 && confirmed.header("Location") == "/api/v1/stores/s1/orders/o-1")
        let totals = try #require(confirmed.json["totals"] as? [String: Any])
        #expect(totals["totalMinor"] as? Int == 6_300 && confirmed.json["reservationID"] as? String == "r-1")
        let after = try await rest.send("GET", "/api/v1/stores/s1/inventory/hat")
        let levels = try #require(after.json["totals"] as? [String: Any])
        #expect(levels["reserved"] as? Int == 0 && levels["committed"] as? Int == 4 && levels["available"] as? Int == 6)
    }

    @Test("carts: configure, add, set, remove, read, checkout, clear")
    func carts() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        for sku in ["a", "b"] {
            _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/\(sku)", json: #"{"onHand": 5}"#)
        }
        let configured = try await rest.send(
            "PUT", "/api/v1/stores/s1/carts/cart-1", json: #"{"customerID": "c-9", "holdStock": true}"#)
        #expect(configured.status == 200 && configured.json["holdStock"] as? Bool == true)
        let added = try await rest.send(
            "POST", "/api/v1/stores/s1/carts/cart-1/items", json: #"{"sku": "a", "quantity": 2}"#)
        #expect(added.status == 200 && (added.json["lines"] as? [Any])?.count == 1)
        _ = try await rest.send("POST", "/api/v1/stores/s1/carts/cart-1/items", json: #"{"sku": "b", "quantity": 1}"#)
        let set = try await rest.send("PUT", "/api/v1/stores/s1/carts/cart-1/items/a", json: #"{"quantity": 3}"#)
        #expect(set.status == 200)
        let removed = try await rest.send("DELETE", "/api/v1/stores/s1/carts/cart-1/items/b")
        #expect(removed.status == 200 && (removed.json["lines"] as? [Any])?.count == 1)
        let read = try await rest.send("GET", "/api/v1/stores/s1/carts/cart-1")
        let lines = try #require(read.json["lines"] as? [[String: Any]])
        #expect(lines.count == 1 && lines[0]["quantity"] as? Int == 3)
        let held = try await rest.send("GET", "/api/v1/stores/s1/inventory/a")
        #expect((held.json["totals"] as? [String: Any])?["reserved"] as? Int == 3)

        let order = try await rest.send(
            "POST", "/api/v1/stores/s1/carts/cart-1/checkout",
            json: #"{"customerID": "c-9", "currency": "USD", "prices": [{"sku": "a", "unitPriceMinor": 100}]}"#,
            headers: ["Idempotency-Key": "checkout-1"])
        #expect(order.status == 201 && order.json["orderID"] as? String == "checkout-1")
        let again = try await rest.send(
            "POST", "/api/v1/stores/s1/carts/cart-1/checkout",
            json: #"{"customerID": "c-9", "currency": "USD", "prices": [{"sku": "a", "unitPriceMinor": 100}]}"#,
            headers: ["Idempotency-Key": "checkout-1"])
        #expect(again.status == 200 && again.header("Idempotent-Replayed") == "true")

        _ = try await rest.send("POST", "/api/v1/stores/s1/carts/cart-2/items", json: #"{"sku": "b", "quantity": 1}"#)
        let cleared = try await rest.send("DELETE", "/api/v1/stores/s1/carts/cart-2")
        #expect(cleared.status == 200)
        let gone = try await rest.send("GET", "/api/v1/stores/s1/carts/cart-2")
        #expect(gone.status == 404 && gone.code == "UNKNOWN_CART")
    }

    @Test("orders: place, read, list with pagination, pay, fulfill, cancel")
    func orders() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/mug", json: #"{"onHand": 100}"#)
        for index in 1...5 {
            let placed = try await rest.send(
                "POST", "/api/v1/stores/s1/orders",
                json: #"{"orderID": "o-\#(index)", "customerID": "c-1", "currency": "EUR", "lines": [{"sku": "mug", "quantity": 2, "unitPriceMinor": 799}], "shippingMinor": 500}"#
            )
            #expect(placed.status == 201)
        }
        let read = try await rest.send("GET", "/api/v1/stores/s1/orders/o-1")
        #expect(read.status == 200 && read.json["status"] as? String == "placed")
        #expect((read.json["totals"] as? [String: Any])?["totalMinor"] as? Int == 2_098)

        let first = try await rest.send("GET", "/api/v1/stores/s1/orders?customer=c-1&limit=2")
        let firstOrders = try #require(first.json["orders"] as? [[String: Any]])
        #expect(firstOrders.compactMap { $0["orderID"] as? String } == ["o-1", "o-2"])
        let next = try #require(first.json["nextAfterOrderID"] as? String)
        let second = try await rest.send("GET", "/api/v1/stores/s1/orders?customer=c-1&limit=10&after=\(next)")
        let secondOrders = try #require(second.json["orders"] as? [[String: Any]])
        #expect(secondOrders.compactMap { $0["orderID"] as? String } == ["o-3", "o-4", "o-5"])
        #expect(second.json["nextAfterOrderID"] == nil)

        let paid = try await rest.send("POST", "/api/v1/stores/s1/orders/o-1/pay")
        #expect(paid.status == 200 && paid.json["status"] as? String == "paid")
        let fulfilled = try await rest.send("POST", "/api/v1/stores/s1/orders/o-1/fulfill")
        #expect(fulfilled.status == 200 && fulfilled.json["status"] as? String == "fulfilled")
        let cancelled = try await rest.send("POST", "/api/v1/stores/s1/orders/o-2/cancel")
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled")
        let stock = try await rest.send("GET", "/api/v1/stores/s1/inventory/mug")
        let totals = try #require(stock.json["totals"] as? [String: Any])
        #expect(totals["onHand"] as? Int == 98 && totals["committed"] as? Int == 6)
    }

    @Test("events: the store's change stream, paged by LSN")
    func events() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        for sku in ["a", "b", "c"] {
            _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/\(sku)", json: #"{"onHand": 1}"#)
        }
        _ = try await rest.send("PUT", "/api/v1/stores/other/inventory/x", json: #"{"onHand": 1}"#)
        var after = 0
        var kinds: [String] = []
        for _ in 0..<10 {
            let page = try await rest.send("GET", "/api/v1/stores/s1/events?after=\(after)&limit=1")
            #expect(page.status == 200 && page.json["gap"] as? Bool == false)
            let events = try #require(page.json["events"] as? [[String: Any]])
            #expect(events.allSatisfy { $0["store"] as? String == "s1" })
            kinds += events.compactMap { $0["kind"] as? String }
            let next = try #require(page.json["nextAfter"] as? Int)
            if next == after { break }
            after = next
        }
        #expect(kinds.filter { $0 == "stockChanged" }.count == 3)
    }

    @Test("operations: healthz, readyz, metrics, the OpenAPI document")
    func operations() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        #expect(try await rest.send("GET", "/healthz").json["status"] as? String == "alive")
        #expect(try await rest.send("GET", "/readyz").status == 200)
        let metrics = try await rest.send("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.text.contains("holdfast_test_metric 1"))
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let spec = try await rest.send("GET", "/api/v1/openapi.yaml")
        #expect(spec.status == 200 && spec.text.hasPrefix("openapi: 3.1.0"))
        let onDisk = try String(contentsOfFile: RESTEndpointTests.repositoryFile("docs/openapi.yaml"), encoding: .utf8)
        #expect(spec.text == onDisk, "the served document is docs/openapi.yaml")
        let echoed = try await rest.send("GET", "/healthz", headers: ["X-Request-Id": "trace-42"])
        #expect(echoed.header("X-Request-Id") == "trace-42")
        let replaced = try await rest.send("GET", "/healthz", headers: ["X-Request-Id": "not ok!"])
        #expect(replaced.header("X-Request-Id")?.count == 16)
    }

    @Test("readyz and the API answer 503 until recovery has finished")
    func notReady() async throws {
        let rest = try await RESTHarness.start(ready: false)
        defer { Task { await rest.stop() } }
        #expect(try await rest.send("GET", "/healthz").status == 200)
        let ready = try await rest.send("GET", "/readyz")
        #expect(ready.status == 503 && ready.json["status"] as? String == "recovering")
        let api = try await rest.send("GET", "/api/v1/stores/s1/inventory/x")
        #expect(api.status == 503 && api.code == "NOT_READY")
        rest.server.backend.markReady(runtime: rest.runtime, authenticator: RESTHarness.authenticator)
        #expect(try await rest.send("GET", "/readyz").status == 200)
    }

    static func repositoryFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path).path
    }
}
