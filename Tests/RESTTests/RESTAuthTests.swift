import Auth
import Foundation
import Testing

/// Bearer JWTs on the REST API: 401 without a valid token, 403 out of role or store.
@Suite("REST: authentication and access")
struct RESTAuthTests {
    @Test("no, malformed, forged, expired or non-bearer token → 401 with a challenge")
    func unauthenticated() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let forged = RESTHarness.adminToken.dropLast(4) + "AAAA"
        let other = try TokenIssuer.hs256(
            subject: "x", role: .admin, store: "*", ttlSeconds: 600, now: Int64(Date().timeIntervalSince1970),
            secret: Array("another-secret-another-secret-0123".utf8))
        let expired = try TokenIssuer.hs256(
            subject: "x", role: .admin, store: "*", ttlSeconds: 60, now: Int64(Date().timeIntervalSince1970) - 3_600,
            secret: RESTHarness.secret)
        for token in [nil, "", "not-a-jwt", String(forged), other, expired] {
            let reply = try await rest.send("GET", "/api/v1/stores/s1/inventory/a", token: token)
            #expect(reply.status == 401, "\(token ?? "none")")
            #expect(reply.code == "AUTHENTICATION_FAILED" && reply.json["number"] as? Int == 506)
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(!reply.text.contains(RESTHarness.adminToken), "a problem never echoes the token")
        }
        let basic = try await rest.send(
            "GET", "/api/v1/stores/s1/inventory/a", headers: ["Authorization": "Basic dXNlcjpwYXNz"], token: nil)
        #expect(basic.status == 401)
        #expect(try await rest.send("GET", "/healthz", token: nil).status == 200)
        #expect(try await rest.send("GET", "/api/v1/openapi.yaml", token: nil).status == 200)
    }

    @Test("a customer cannot set or adjust stock, transition orders or read events → 403")
    func customerRole() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let customer = RESTHarness.token(role: .customer, store: "s1", subject: "cust-1")
        let denied: [(String, String, String?)] = [
            ("PUT", "/api/v1/stores/s1/inventory/a", #"{"onHand": 500}"#),
            ("POST", "/api/v1/stores/s1/inventory/a/adjust", #"{"delta": 5, "reason": "r"}"#),
            ("PUT", "/api/v1/stores/s1/location-priority", #"{"locations": ["x"]}"#),
            ("GET", "/api/v1/stores/s1/events", nil),
            ("POST", "/api/v1/stores/s1/orders/o-1/pay", nil),
            ("POST", "/api/v1/stores/s1/orders/o-1/fulfill", nil),
            ("POST", "/api/v1/stores/s1/orders/o-1/cancel", nil),
            ("PUT", "/api/v1/stores/s1/prices/a", #"{"currency": "EUR", "unitPriceMinor": 0}"#),
            ("DELETE", "/api/v1/stores/s1/prices/a", nil),
        ]
        for (method, path, body) in denied {
            let reply = try await rest.send(method, path, json: body, token: customer)
            #expect(reply.status == 403, "\(method) \(path): \(reply.text)")
            #expect(reply.code == "ACCESS_DENIED" && reply.json["number"] as? Int == 510)
        }
        let othersList = try await rest.send("GET", "/api/v1/stores/s1/orders?customer=cust-2", token: customer)
        #expect(othersList.status == 403 && othersList.code == "NOT_OWNER" && othersList.json["number"] as? Int == 309)
        let listed = try await rest.send(
            "PUT", "/api/v1/stores/s1/prices/a", json: #"{"currency": "EUR", "unitPriceMinor": 10}"#)
        #expect(listed.status == 200 && listed.json["unitPriceMinor"] as? Int == 10)
        let stock = try await rest.send("GET", "/api/v1/stores/s1/inventory/a", token: customer)
        #expect(stock.status == 200 && (stock.json["totals"] as? [String: Any])?["onHand"] as? Int == 5)
        let reserve = try await rest.send(
            "POST", "/api/v1/stores/s1/reservations", json: #"{"lines": [{"sku": "a", "quantity": 1}]}"#,
            token: customer)
        #expect(reserve.status == 201)
        let own = try await rest.send(
            "POST", "/api/v1/stores/s1/orders",
            json: #"{"orderID": "o-own", "customerID": "cust-1", "currency": "EUR", "lines": [{"sku": "a", "quantity": 1, "unitPriceMinor": 10}]}"#,
            token: customer)
        #expect(own.status == 201)
        let forSomeoneElse = try await rest.send(
            "POST", "/api/v1/stores/s1/orders",
            json: #"{"customerID": "cust-2", "currency": "EUR", "lines": [{"sku": "a", "quantity": 1, "unitPriceMinor": 10}]}"#,
            token: customer)
        #expect(forSomeoneElse.status == 403)
        _ = try await rest.send(
            "POST", "/api/v1/stores/s1/orders",
            json: #"{"orderID": "o-theirs", "customerID": "cust-2", "currency": "EUR", "lines": [{"sku": "a", "quantity": 1, "unitPriceMinor": 10}]}"#
        )
        let theirs = try await rest.send("GET", "/api/v1/stores/s1/orders/o-theirs", token: customer)
        #expect(theirs.status == 403 && theirs.code == "NOT_OWNER")
        let mine = try await rest.send("GET", "/api/v1/stores/s1/orders?customer=cust-1", token: customer)
        #expect(mine.status == 200 && (mine.json["orders"] as? [Any])?.count == 1)
    }

    @Test("a token for store A cannot touch store B → 403; an inventory manager runs its own store")
    func storeScope() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let managerA = RESTHarness.token(role: .inventoryManager, store: "store-a", subject: "ops-a")
        let setA = try await rest.send(
            "PUT", "/api/v1/stores/store-a/inventory/a", json: #"{"onHand": 5}"#, token: managerA)
        #expect(setA.status == 200)
        let eventsA = try await rest.send("GET", "/api/v1/stores/store-a/events", token: managerA)
        #expect(eventsA.status == 200)
        let setB = try await rest.send(
            "PUT", "/api/v1/stores/store-b/inventory/a", json: #"{"onHand": 5}"#, token: managerA)
        #expect(setB.status == 403 && setB.code == "ACCESS_DENIED")
        let readB = try await rest.send("GET", "/api/v1/stores/store-b/inventory/a", token: managerA)
        #expect(readB.status == 403)
        let eventsB = try await rest.send("GET", "/api/v1/stores/store-b/events", token: managerA)
        #expect(eventsB.status == 403)
        let customerA = RESTHarness.token(role: .customer, store: "store-a", subject: "c")
        let reserveB = try await rest.send(
            "POST", "/api/v1/stores/store-b/reservations", json: #"{"lines": [{"sku": "a", "quantity": 1}]}"#,
            token: customerA)
        #expect(reserveB.status == 403)
        let stockB = try await rest.send("GET", "/api/v1/stores/store-b/inventory/a")
        #expect(stockB.status == 404, "admin (store *) reaches every store; store-b has nothing yet")
    }

    @Test("a customer cannot change another customer's cart: refused before anything changes")
    func otherCustomersCart() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let alice = RESTHarness.token(role: .customer, store: "s1", subject: "alice")
        let mallory = RESTHarness.token(role: .customer, store: "s1", subject: "mallory")
        let created = try await rest.send(
            "PUT", "/api/v1/stores/s1/carts/cart-a", json: #"{"customerID": "alice"}"#, token: alice)
        #expect(created.status == 200)
        _ = try await rest.send("POST", "/api/v1/stores/s1/carts/cart-a/items", json: #"{"sku": "a", "quantity": 1}"#, token: alice)
        let attempts: [(String, String, String?)] = [
            ("POST", "/api/v1/stores/s1/carts/cart-a/items", #"{"sku": "a", "quantity": 3}"#),
            ("PUT", "/api/v1/stores/s1/carts/cart-a/items/a", #"{"quantity": 4}"#),
            ("DELETE", "/api/v1/stores/s1/carts/cart-a/items/a", nil),
            ("DELETE", "/api/v1/stores/s1/carts/cart-a", nil),
            ("PUT", "/api/v1/stores/s1/carts/cart-a", #"{"holdStock": true}"#),
            ("GET", "/api/v1/stores/s1/carts/cart-a", nil),
        ]
        for (method, path, body) in attempts {
            let reply = try await rest.send(method, path, json: body, token: mallory)
            #expect(reply.status == 403 && reply.code == "NOT_OWNER", "\(method) \(path): \(reply.text)")
        }
        let cart = try await rest.send("GET", "/api/v1/stores/s1/carts/cart-a", token: alice)
        let lines = try #require(cart.json["lines"] as? [[String: Any]])
        #expect(lines.count == 1 && lines[0]["quantity"] as? Int == 1 && cart.json["holdStock"] as? Bool == false)
        let own = try await rest.send(
            "POST", "/api/v1/stores/s1/carts/cart-m/items", json: #"{"sku": "a", "quantity": 1}"#, token: mallory)
        #expect(own.status == 200, "a new cart is the caller's to create")
    }

    @Test("every spelling of a store path the router accepts is authenticated (never 2xx or 5xx without a token)")
    func pathSpellings() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let spellings = [
            "//api/v1/stores/s1/inventory/a", "/api/v1//stores/s1/inventory/a", "/api//v1/stores/s1/inventory/a",
            "/api/v1/stores//s1/inventory/a", "/api/v1/stores/s1/inventory/a/", "/api/v1/stores/s1//inventory/a",
        ]
        for path in spellings {
            let anonymous = try await rest.send("PUT", path, json: #"{"onHand": 5}"#, token: nil)
            #expect([401, 404].contains(anonymous.status), "\(path): \(anonymous.status) \(anonymous.text)")
            let admin = try await rest.send("PUT", path, json: #"{"onHand": 5}"#)
            #expect(admin.status < 500, "\(path): \(admin.status) \(admin.text)")
        }
    }
}
