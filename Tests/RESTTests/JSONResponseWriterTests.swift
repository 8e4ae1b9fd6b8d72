import Foundation
import NIOCore
import Testing

@testable import Engine
@testable import REST

/// The views that write their own JSON give exactly `JSONOutput`'s bytes
/// (`JSONEncoder`, sorted keys, slashes unescaped, final newline).
@Suite("REST: hand-written response JSON")
struct JSONResponseWriterTests {
    /// Text with everything a JSON string escapes, and what it leaves alone.
    static let awkwardTexts: [String] = [
        "", "plain", "a/b", #"quote " and backslash \ "#, "tab\tnew\nline\rcr", "é 日本 🎉",
        String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self),
    ]

    static let levels = StockLevels(
        onHand: 9_000_000_000_000_000_000, reserved: 3, committed: 2, safetyStock: 7, lowStockThreshold: Int64.min,
        backorderLimit: Int64.max)
    /// Available below zero.
    static let oversold = StockLevels(onHand: 1, reserved: 5, backorderLimit: 10)

    private func expectSameBytes<View: Encodable & JSONWritable>(_ view: View) {
        let written = JSONResponseWriter.document(view)
        let encoded = JSONOutput.encode(view)
        #expect(
            written == encoded,
            "\(String(buffer: written)) differs from JSONEncoder's \(String(buffer: encoded))")
    }

    @Test("stock: levels, locations (none, one, several) and awkward ids")
    func stock() {
        for text in Self.awkwardTexts {
            for count in [0, 1, 3] {
                let locations = (0..<count).map { LocationStock(location: "\(text)-\($0)", levels: Self.levels) }
                expectSameBytes(StockJSON(StockView(sku: text, locations: locations, totals: Self.oversold)))
            }
            expectSameBytes(
                StockRecordJSON(StockRecordView(sku: text, location: text, levels: Self.levels, replayed: true)))
        }
    }

    @Test("reservation: optional fields present and absent, every status, allocations")
    func reservation() {
        let statuses: [ReservationStatus] = [.active, .released, .confirmed, .expired]
        for (index, text) in Self.awkwardTexts.enumerated() {
            let allocations = (0..<index % 3).map {
                LineAllocation(sku: text, location: "loc-\($0)", quantity: Int64($0) - 1)
            }
            let view = ReservationView(
                reservationID: text, owner: index.isMultiple(of: 2) ? text : nil, status: statuses[index % 4],
                deadline: 1_767_225_600_123_456_789 - Int64(index), allocations: AllocationList(allocations),
                orderID: index.isMultiple(of: 3) ? nil : "ord-\(text)", replayed: index.isMultiple(of: 2))
            expectSameBytes(ReservationJSON(view))
        }
    }
}
