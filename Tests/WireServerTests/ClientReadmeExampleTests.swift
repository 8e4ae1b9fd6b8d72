import HoldfastClient
import Testing

@Suite("HoldfastClient: the README example")
struct ClientReadmeExampleTests {
    @Test("the README example compiles and runs against a server")
    func readmeExample() async throws {
        let server = try await TestServer()
        let port = server.port

        // --- README example (docs: "Swift client") ---
        let client = try HoldfastClient(server: "127.0.0.1:\(port)", clientID: "shop-checkout", connections: 2)
        try await client.connect()
        _ = try await client.setStock(SetStock(store: "eu", sku: "TSHIRT-M", onHand: 100))
        let hold = try await client.reserve(
            Reserve(
                store: "eu", reservationID: "cart-42", lines: [LineRequest(sku: "TSHIRT-M", quantity: 2)],
                ttlSeconds: 600))
        let terms = OrderTerms(
            orderID: "order-42", customerID: "c-7", currency: "EUR",
            prices: [UnitPrice(sku: "TSHIRT-M", unitPriceMinor: 1_999)])
        let order = try await client.confirm(
            ConfirmReservation(store: "eu", reservationID: hold.reservationID, terms: terms))
        let batch = (1...50).map {
            Reserve(store: "eu", reservationID: "flash-\($0)", lines: [LineRequest(sku: "TSHIRT-M", quantity: 1)])
        }
        let results = await client.reserve(batch: batch)  // few frames, one result per reservation, in order
        do {
            _ = try await client.reserve(
                Reserve(store: "eu", reservationID: "big", lines: [LineRequest(sku: "TSHIRT-M", quantity: 999)]))
        } catch {
            if case .engine(.insufficientStock(let sku, _, let available)) = error {
                print("only \(available) of \(sku) left")
            }
        }
        await client.close()
        // --- end of README example ---

        #expect(order.totals.totalMinor == 3_998)
        #expect(results.allSatisfy { (try? $0.get().status) == .active })
        await server.stop()
    }
}
