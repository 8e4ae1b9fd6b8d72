import Testing

@testable import Engine

/// What decoding refuses, and where it says the fault is: unknown tags, booleans
/// other than 0 and 1, counts above their limits, over-long or invalid strings,
/// missing bytes and bytes past the end.
@Suite("CommandCodec: structural checks on decoding")
struct CommandCodecRejectionTests {
    /// Decodes `bytes` as one command and returns the error it must throw.
    func refusal(_ bytes: [UInt8], _ comment: Comment? = nil) -> DecodingError? {
        do {
            let command = try CommandCodec.decode(bytes)
            Issue.record("decoded \(command) from \(CommandCodecSamples.hex(bytes))\(comment.map { ": \($0)" } ?? "")")
            return nil
        } catch {
            return error
        }
    }

    func overwriting(_ bytes: [UInt8], at offset: Int, with replacement: [UInt8]) -> [UInt8] {
        var bytes = bytes
        bytes.replaceSubrange(offset..<offset + replacement.count, with: replacement)
        return bytes
    }

    @Test("unknown tags are refused at their offset, in a command and in a log record")
    func unknownTags() {
        let known = Set(CommandCodec.Tag.allCases.map(\.rawValue))
        #expect(known.count == 26)
        #expect(!known.contains(0), "0x00 is never a tag")
        #expect(!known.contains(CommandCodec.customerCallerMarker), "the caller marker is never a tag")
        for tag in UInt8.min...UInt8.max where !known.contains(tag) && tag != CommandCodec.customerCallerMarker {
            #expect(refusal([tag, 0, 0, 0, 0])?.offset == 0)
            #expect(throws: DecodingError(offset: 16, reason: "unknown command tag \(tag)")) {
                try CommandCodec.decodeLogRecord([UInt8](repeating: 7, count: 16) + [tag])
            }
        }
    }

    @Test("queries, and only queries, have the high bit set")
    func queryBit() {
        for tag in CommandCodec.Tag.allCases {
            let sample = CommandCodecSamples.all.first { CommandCodec.tag(of: $0) == tag }!
            #expect(tag.isQuery == !sample.isMutation, "\(tag)")
        }
    }

    @Test("presence and boolean bytes other than 0 and 1 are refused at their offset")
    func invalidBooleans() {
        // setStock: tag, store "s1" (6 bytes), sku "sku1" (8 bytes), then the location's presence byte.
        let setStock = CommandCodec.encode(.setStock(SetStock(store: "s1", sku: "sku1")))
        // configureCart: tag, store (6), cartID "c1" (6), customerID absent (1), then holdStock.
        let cart = CommandCodec.encode(.configureCart(ConfigureCart(store: "s1", cartID: "c1", holdStock: true)))
        for value: UInt8 in [2, 0x80, 0xFF] {
            let presence = refusal(overwriting(setStock, at: 15, with: [value]))
            #expect(presence?.offset == 15)
            #expect(presence?.reason.contains("boolean") == true)
            #expect(refusal(overwriting(cart, at: 13, with: [value]))?.offset == 13)
            #expect(refusal(overwriting(cart, at: 14, with: [value]))?.offset == 14)
        }
    }

    @Test("arrays longer than their limit encode, but decoding refuses them at the count")
    func countsAboveLimits() {
        let lines = CommandCodecSamples.lines(Limits.reservationLinesMax + 1)
        let priced = CommandCodecSamples.pricedLines(Limits.orderLinesMax + 1)
        var terms = CommandCodecSamples.plainTerms
        terms.prices = CommandCodecSamples.prices(Limits.pricesPerOrderMax + 1)
        let cases: [(command: Command, countOffset: Int, limit: Int)] = [
            (.reserve(Reserve(store: "s1", reservationID: "r1", lines: lines)), 13, Limits.reservationLinesMax),
            (.checkAvailability(AvailabilityQuery(store: "s1", lines: lines)), 7, Limits.availabilityCheckLinesMax),
            (
                .placeOrder(PlaceOrder(store: "s1", orderID: "o1", customerID: "c1", lines: priced, currency: "EUR")),
                19, Limits.orderLinesMax
            ),
            (
                .confirmReservation(ConfirmReservation(store: "s1", reservationID: "r1", terms: terms)), 32,
                Limits.pricesPerOrderMax
            ),
            (.checkoutCart(CheckoutCart(store: "s1", cartID: "c1", terms: terms)), 32, Limits.pricesPerOrderMax),
            (
                .setLocationPriority(SetLocationPriority(store: "s1", locations: (0...64).map { "l\($0)" })),
                7, Limits.locationsPerStoreMax
            ),
        ]
        for (command, countOffset, limit) in cases {
            let encoded = CommandCodec.encode(command)
            let error = refusal(encoded)
            #expect(error == DecodingError(offset: countOffset, reason: "count \(limit + 1) exceeds \(limit)"))
            let huge = overwriting(encoded, at: countOffset, with: [0xFF, 0xFF, 0xFF, 0xFF])
            #expect(refusal(huge)?.offset == countOffset, "a 4-billion count is refused before any allocation")
        }
    }

    @Test("strings longer than their bound, or not UTF-8, are refused at their length")
    func invalidStrings() {
        let longStore = CommandCodecSamples.longestStore + "x"
        #expect(refusal(CommandCodec.encode(.getStock(StockQuery(store: longStore, sku: "a"))))?.offset == 1)
        let longCurrency = CommandCodecSamples.longestCurrency + "x"
        let order = PlaceOrder(store: "s1", orderID: "o1", customerID: "c1", lines: [], currency: longCurrency)
        // tag, store (6), orderID (6), customerID (6), line count (4), then the currency.
        #expect(refusal(CommandCodec.encode(.placeOrder(order)))?.offset == 23)

        let query = CommandCodec.encode(.getStock(StockQuery(store: "s1", sku: "ab")))
        for invalid: [UInt8] in [[0xFF, 0xFE], [0xC3, 0x28], [0xED, 0xA0]] {
            let error = refusal(overwriting(query, at: 11, with: invalid))
            #expect(error == DecodingError(offset: 7, reason: "string is not valid UTF-8"))
        }
        let truncatedLength = overwriting(query, at: 7, with: [3, 0, 0, 0])
        #expect(refusal(truncatedLength)?.offset == 11, "a length past the end is refused where the bytes run out")
    }

    @Test(
        "every proper prefix of an encoding is refused; trailing bytes are refused", arguments: CommandCodecSamples.all)
    func truncationAndTrailingBytes(command: Command) {
        let encoded = CommandCodec.encode(command)
        for length in stride(from: 0, to: encoded.count, by: max(1, encoded.count / 300)) {
            let error = refusal(Array(encoded.prefix(length)), "prefix of \(length) bytes")
            #expect(error.map { $0.offset <= length } ?? true)
        }
        #expect(refusal(encoded + [0])?.offset == encoded.count)

        var reader = BinaryReader(encoded + [0x01, 0xFF])
        #expect((try? CommandCodec.decode(from: &reader)) == command)
        #expect(reader.offset == encoded.count, "decode(from:) stops at the command's last byte")
    }
}
