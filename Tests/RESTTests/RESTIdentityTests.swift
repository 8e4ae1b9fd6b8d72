import Foundation
import Testing

@testable import Auth

/// The id rule over REST: look-alike stores and customers are refused where
/// they enter (token claims, path ids), never folded onto a real one.
@Suite("REST: one byte form per id")
struct RESTIdentityTests {
    /// A token the issuer would never make, signed with the harness's secret.
    private func crafted(sub: String, role: String, store: String) -> String {
        let claims =
            #"{"sub":"\#(sub)","role":"\#(role)","store":"\#(store)","exp":\#(Int64(Date().timeIntervalSince1970) + 600)}"#
        let input =
            Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let mac = HMACSHA256.mac(key: RESTHarness.secret, message: Array(input.utf8))!
        return input + "." + Base64URL.encode(mac)
    }

    @Test("tokens for look-alike stores or customers are refused (401) and reach nothing")
    func lookAlikeTokens() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/Kiosk/inventory/a", json: #"{"onHand": 5}"#)
        _ = try await rest.send("PUT", "/api/v1/stores/caf%C3%A9/inventory/a", json: #"{"onHand": 5}"#)
        let kelvinManager = crafted(sub: "m", role: "inventory_manager", store: #"\u212Aiosk"#)
        let nfdManager = crafted(sub: "m", role: "inventory_manager", store: #"cafe\u0301"#)
        let kelvinCustomer = crafted(sub: #"\u212Aim-1"#, role: "customer", store: "Kiosk")
        for (token, path) in [
            (kelvinManager, "/api/v1/stores/Kiosk/inventory/a"),
            (nfdManager, "/api/v1/stores/caf%C3%A9/inventory/a"),
            (kelvinCustomer, "/api/v1/stores/Kiosk/orders?customer=Kim-1"),
        ] {
            let reply = try await rest.send("GET", path, token: token)
            #expect(reply.status == 401, "\(path): \(reply.text)")
            let change = try await rest.send("PUT", "/api/v1/stores/Kiosk/inventory/a", json: #"{"onHand": 99}"#, token: token)
            #expect(change.status == 401)
        }
        let stock = try await rest.send("GET", "/api/v1/stores/Kiosk/inventory/a")
        #expect((stock.json["totals"] as? [String: Any])?["onHand"] as? Int == 5, "unchanged")
    }

    @Test("look-alike ids in paths are refused (400 INVALID_IDENTIFIER), not matched to another store")
    func lookAlikePaths() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/Kiosk/inventory/a", json: #"{"onHand": 5}"#)
        _ = try await rest.send("PUT", "/api/v1/stores/caf%C3%A9/inventory/a", json: #"{"onHand": 5}"#)
        for path in [
            "/api/v1/stores/%E2%84%AAiosk/inventory/a",  // KELVIN SIGN
            "/api/v1/stores/cafe%CC%81/inventory/a",  // e + combining acute
            "/api/v1/stores/Kiosk/inventory/a%E2%80%8B",  // zero-width space after the SKU
        ] {
            let reply = try await rest.send("GET", path)
            #expect(reply.status == 400 && reply.code == "INVALID_IDENTIFIER", "\(path): \(reply.text)")
        }
        let manager = RESTHarness.token(role: .inventoryManager, store: "Kiosk", subject: "m")
        let write = try await rest.send(
            "PUT", "/api/v1/stores/%E2%84%AAiosk/inventory/a", json: #"{"onHand": 99}"#, token: manager)
        #expect(write.status == 403, "the Kiosk manager's store is not the look-alike's")
    }
}
