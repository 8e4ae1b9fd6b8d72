import Engine
import Foundation
import Testing

@testable import Persistence

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String = "persistence") {
        path = NSTemporaryDirectory() + "holdfast-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func sub(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Small segments and frames so that tests roll over segments often.
func smallLogOptions(durability: Durability = .strict) -> DurableNode.Options {
    var options = DurableNode.Options()
    options.journal = JournalOptions(
        durability: durability, segmentBytes: 128 << 10, frameBytesMax: 64 << 10, retryIntervalMilliseconds: 20)
    options.snapshotIntervalSeconds = 0
    options.snapshotEveryLogBytes = Int.max
    return options
}

/// A deterministic mix of commands over a few stores: stock, reservations
/// (some confirmed, paid, released), carts and orders. Every command is
/// expected to change state.
func workload(_ count: Int, seed: Int = 0, stores: Int = 3) -> [Command] {
    var commands: [Command] = []
    var generator = SplitMix64(seed: UInt64(seed))
    for index in 0..<count {
        let store = "store-\(index % stores)"
        let sku = "sku-\(generator.next() % 40)"
        switch index % 8 {
        case 0, 1:
            commands.append(.setStock(SetStock(store: store, sku: sku, onHand: Int64(generator.next() % 1_000 + 100))))
        case 2, 3:
            commands.append(
                .reserve(Reserve(store: store, reservationID: "r-\(seed)-\(index)", lines: [LineRequest(sku: sku, quantity: 1)])))
        case 4:
            commands.append(.adjustStock(AdjustStock(store: store, sku: sku, delta: 5, reason: "delivery")))
        case 5:
            commands.append(.releaseReservation(ReservationReference(store: store, reservationID: "r-\(seed)-\(index - 3)")))
        case 6:
            commands.append(.addCartItem(AddCartItem(store: store, cartID: "c-\(seed)-\(index % 50)", sku: sku, quantity: 1)))
        default:
            commands.append(
                .placeOrder(
                    PlaceOrder(
                        store: store, orderID: "o-\(seed)-\(index)", customerID: "cust-\(index % 7)",
                        lines: [PricedLineRequest(sku: sku, quantity: 1, unitPriceMinor: 1_250)], currency: "EUR")))
        }
    }
    return commands
}

/// Runs commands through the node in batches; returns how many succeeded.
@discardableResult
func run(_ commands: [Command], on node: DurableNode, batch: Int = 64) async -> Int {
    var succeeded = 0
    var start = 0
    while start < commands.count {
        let end = min(start + batch, commands.count)
        let outcomes = await node.runtime.execute(batch: Array(commands[start..<end]))
        succeeded += outcomes.filter { if case .success = $0 { true } else { false } }.count
        start = end
    }
    return succeeded
}

/// Every shard's encoded state, read on the writer threads.
func encodedStates(_ node: DurableNode) async -> [[UInt8]] {
    var states: [[UInt8]] = []
    for shard in 0..<node.shardCount {
        states.append(await node.runtime.inspect(shard: shard) { $0.encodedState() } ?? [])
    }
    return states
}

func invariantViolations(_ node: DurableNode) async -> [String] {
    var violations: [String] = []
    for shard in 0..<node.shardCount {
        violations += await node.runtime.inspect(shard: shard) { $0.checkInvariants() } ?? ["shard \(shard) gone"]
    }
    return violations
}

/// The shard directory's segment files, oldest first.
func segmentFiles(_ shardPath: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: shardPath)) ?? [])
        .filter { $0.hasPrefix("wal-") && $0.hasSuffix(".log") }.sorted().map { shardPath + "/" + $0 }
}

/// Offsets of the frames in a segment (by walking frame lengths).
func frameOffsets(in path: String) throws -> [Int] {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    var offsets: [Int] = []
    var offset = 4096
    while offset + 112 <= bytes.count, bytes.uint32(at: offset) == SegmentFormat.frameMagic {
        offsets.append(offset)
        let length = Int(bytes.uint32(at: offset + 8))
        offset += (length + 4095) / 4096 * 4096
    }
    return offsets
}

/// Flips one bit of a file in place.
func flipBit(in path: String, at offset: Int) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    var byte = try handle.read(upToCount: 1)![0]
    byte ^= 0x10
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: [byte])
}
