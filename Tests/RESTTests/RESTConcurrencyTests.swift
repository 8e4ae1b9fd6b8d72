import Foundation
import Testing

/// Many HTTP clients at once on one hot SKU.
@Suite("REST: concurrency")
struct RESTConcurrencyTests {
    @Test("many clients reserving one hot SKU never oversell")
    func hotSKU() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let stock = 300
        _ = try await rest.send("PUT", "/api/v1/stores/flash/inventory/hot", json: #"{"onHand": \#(stock)}"#)
        let clients = 24
        let attemptsPerClient = 25
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var seen: [Int] = []
                    for attempt in 0..<attemptsPerClient {
                        let reply = try await rest.send(
                            "POST", "/api/v1/stores/flash/reservations",
                            json: #"{"lines": [{"sku": "hot", "quantity": 1}]}"#,
                            headers: ["Idempotency-Key": "c\(client)-a\(attempt)"])
                        seen.append(reply.status)
                    }
                    return seen
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let granted = statuses.filter { $0 == 201 }.count
        let refused = statuses.filter { $0 == 409 }.count
        #expect(granted == stock, "demand \(clients * attemptsPerClient) for \(stock) units")
        #expect(refused == clients * attemptsPerClient - stock)
        let after = try await rest.send("GET", "/api/v1/stores/flash/inventory/hot")
        let totals = try #require(after.json["totals"] as? [String: Any])
        #expect(totals["reserved"] as? Int == stock && totals["available"] as? Int == 0)
    }
}
