import Testing

import Engine

/// The "Using the engine from Swift" example of README.md, kept compiling and true.
@Suite struct ReadmeExampleTests {
    @Test func readmeExampleHoldsStock() async throws {
        let runtime = ShardRuntime()  // cores − 1 shards, in-memory journal
        _ = await runtime.execute(.setStock(SetStock(store: "acme", sku: "TEE-M", onHand: 10)))
        let outcome = await runtime.execute(.reserve(Reserve(
            store: "acme", reservationID: "cart-42", lines: [LineRequest(sku: "TEE-M", quantity: 2)], ttlSeconds: 600)))
        switch outcome {
        case .success(.reservation(let hold)):
            #expect(Array(hold.allocations) == [LineAllocation(sku: "TEE-M", location: "default", quantity: 2)])
            #expect(hold.status == .active)
        case .failure(let error):
            Issue.record("refused: \(error.name) \(error.code) \(error)")
        default:
            Issue.record("unexpected answer \(outcome)")
        }
        runtime.shutdown()
    }
}
