import Engine
import Testing
import Wire

@testable import holdfast

/// The pure parts of `holdfast bench`: SKU sampling and the requests workloads send.
@Suite struct BenchWorkloadTests {
    @Test("Zipf draws follow 1/(k+1)^s: the first ranks match their probabilities, popularity falls with rank")
    func zipfDistribution() {
        let seed = UInt64.random(in: 1...UInt64(UInt32.max))
        print("zipfDistribution seed \(seed)")
        let count = 1_000
        let exponent = 0.99
        let table = ZipfTable(count: count, exponent: exponent)
        let sampler = SKUSampler.zipf(count: count, exponent: exponent)
        var random = SplitMix64(seed: seed)
        var frequency = [Int](repeating: 0, count: count)
        let draws = 400_000
        for _ in 0..<draws { frequency[sampler.next(&random)] += 1 }
        for rank in 0..<5 {
            let expected = table.probability(of: rank) * Double(draws)
            #expect(abs(Double(frequency[rank]) - expected) < 0.05 * expected, "rank \(rank): \(frequency[rank]) vs \(expected)")
        }
        #expect(frequency[0] > frequency[1] && frequency[1] > frequency[9] && frequency[9] > frequency[99])
        let topTen = frequency[0..<10].reduce(0, +)
        let expectedTopTen = (0..<10).map(table.probability(of:)).reduce(0, +) * Double(draws)
        #expect(abs(Double(topTen) - expectedTopTen) < 0.03 * expectedTopTen)
        #expect(frequency.reduce(0, +) == draws)
        // Harmonic sum for s = 0.99 over 1,000 ranks is about 7.2: rank 0 takes ~14 %.
        #expect((0.12...0.16).contains(table.probability(of: 0)))
    }

    @Test("The Zipf table's edges: unit 0 is the first rank, units just below 1 the last")
    func zipfEdges() {
        let table = ZipfTable(count: 10, exponent: 1.2)
        #expect(table.index(forUnit: 0) == 0)
        #expect(table.index(forUnit: 0.999_999_999) == 9)
        #expect(abs((0..<10).map(table.probability(of:)).reduce(0, +) - 1) < 1e-12)
        let single = ZipfTable(count: 1, exponent: 0.99)
        #expect(single.index(forUnit: 0.5) == 0)
    }

    @Test("Uniform and zero-exponent draws cover the catalog evenly")
    func uniformDistribution() {
        let seed = UInt64.random(in: 1...UInt64(UInt32.max))
        print("uniformDistribution seed \(seed)")
        for sampler in [SKUSampler.uniform(count: 20), .zipf(count: 20, exponent: 0)] {
            var random = SplitMix64(seed: seed)
            var frequency = [Int](repeating: 0, count: 20)
            for _ in 0..<100_000 { frequency[sampler.next(&random)] += 1 }
            #expect(frequency.allSatisfy { (4_500...5_500).contains($0) }, "\(frequency)")
        }
    }

    @Test("Distinct draws are distinct even when the distribution keeps picking the same SKU")
    func distinctDraws() {
        var random = SplitMix64(seed: 7)
        var drawn: [Int32] = []
        for sampler in [SKUSampler.zipf(count: 3, exponent: 10), .uniform(count: 1_000), .zipf(count: 5, exponent: 0.99)] {
            for _ in 0..<200 {
                sampler.nextDistinct(3, &random, into: &drawn)
                #expect(drawn.count == 3 && Set(drawn).count == 3)
                #expect(drawn.allSatisfy { (0..<Int32(sampler.count)).contains($0) })
            }
        }
        SKUSampler.single.nextDistinct(3, &random, into: &drawn)
        #expect(drawn == [0])
    }

    @Test("Pre-built reserve bytes are exactly CommandCodec's encoding of the same reservation")
    func reserveBytesMatchCodec() throws {
        let catalog = SKUCatalog(count: 50, initialOnHand: 10)
        let encoder = ReservationEncoder(store: "bench-0123", catalog: catalog, ttlSeconds: 3_600)
        let skus: [Int32] = [4, 49, 0]
        var writer = BinaryWriter()
        skus.withUnsafeBufferPointer { buffer in
            encoder.writeReserve(idPrefix: Array("r3-".utf8), sequence: 0xABC, skus: buffer, into: &writer)
        }
        let expected = Reserve(
            store: "bench-0123", reservationID: "r3-000000000abc",
            lines: skus.map { LineRequest(sku: "sku-\($0)", quantity: 1) }, ttlSeconds: 3_600)
        var canonical = BinaryWriter()
        CommandCodec.encodePayload(of: .reserve(expected), into: &canonical)
        #expect(writer.bytes == canonical.bytes)
        var reader = BinaryReader(writer.bytes)
        #expect(try CommandCodec.decode(payloadOf: .reserve, from: &reader) == .reserve(expected))
        #expect(ReservationEncoder.reservationID(prefix: "r3-", sequence: 0xABC) == "r3-000000000abc")
        #expect(SKUCatalog(count: 1, initialOnHand: 1, single: true).name(of: 0) == SKUCatalog.hotSKUName)
    }

    @Test("A cart3 frame holds `batch` reservations of three distinct SKUs, each with a new id and the run's TTL")
    func cart3Frames() throws {
        let catalog = SKUCatalog(count: 40, initialOnHand: 5)
        let ledger = StockLedger(skuCount: 40)
        let source = ReservationSource(
            encoder: ReservationEncoder(store: "s", catalog: catalog, ttlSeconds: 600), sampler: .uniform(count: 40),
            ledger: ledger, linesPerReservation: 3, idPrefix: "r0-", seed: 11, slots: 2, batchSize: 8)
        var ids = Set<String>()
        for slot in 0..<2 {
            #expect(source.prepareFrame(slot: slot, batchSize: 8) == WireOperation(command: .reserve))
            #expect(source.operationCount(slot: slot) == 8)
            for command in try BenchTestFrames.commands(written: { source.writeItems(slot: slot, into: &$0) }, tag: .reserve) {
                guard case .reserve(let reserve) = command else { Issue.record("not a reserve: \(command)"); continue }
                #expect(reserve.lines.count == 3 && Set(reserve.lines.map(\.sku)).count == 3)
                #expect(reserve.lines.allSatisfy { $0.quantity == 1 && $0.location == nil })
                #expect(reserve.ttlSeconds == 600 && reserve.store == "s")
                ids.insert(reserve.reservationID)
                for line in reserve.lines {
                    let index = Int(line.sku.dropFirst("sku-".count))!
                    #expect(ledger.touched[index])
                }
            }
        }
        #expect(ids.count == 16)
    }

    @Test("Replies move the ledger: granted units on success, nothing on refusals, an upper bound on journal failures")
    func reservationRepliesMoveLedger() throws {
        let catalog = SKUCatalog(count: 1, initialOnHand: 5, single: true)
        let ledger = StockLedger(skuCount: 1)
        let source = ReservationSource(
            encoder: ReservationEncoder(store: "s", catalog: catalog, ttlSeconds: 600), sampler: .single, ledger: ledger,
            linesPerReservation: 1, idPrefix: "r0-", seed: 1, slots: 1, batchSize: 4)
        _ = source.prepareFrame(slot: 0, batchSize: 4)
        let reply = try BenchTestFrames.reply(
            operation: WireOperation(command: .reserve),
            outcomes: [
                .success(.locationPriority([])), .failure(.insufficientStock(sku: "hot", requested: 1, available: 0)),
                .failure(.journalFailure(reason: "disk")), .failure(.busy),
            ])
        source.handleReply(try ReplyItems(reply), slot: 0, measured: true)
        #expect(ledger.lowerUnits == [1] && ledger.upperUnits == [2])
        #expect(source.tally.ok == 1 && source.tally.insufficientStock == 1 && source.tally.busy == 1)
        #expect(source.tally.otherErrors == ["JOURNAL_FAILURE": 1])
        #expect(source.activeReservations().sequences == [0, 2])
        source.handleLostFrame(slot: 0, failureName: TransportFailure.lost, measured: false)
        #expect(ledger.lowerUnits == [1] && ledger.upperUnits == [6])
        #expect(source.tally.total == 4)
    }

    @Test("Durations read with units; configurations out of range are refused with a message")
    func optionsParsing() {
        #expect(BenchCommand.seconds("1s") == 1)
        #expect(BenchCommand.seconds("500ms") == 0.5)
        #expect(BenchCommand.seconds("2m") == 120)
        #expect(BenchCommand.seconds("1.5") == 1.5)
        #expect(BenchCommand.seconds("-1s") == nil && BenchCommand.seconds("fast") == nil && BenchCommand.seconds("nans") == nil)
        #expect(BenchConfiguration().problems() == [])
        var bad = BenchConfiguration()
        bad.batchSize = 0
        bad.connections = 0
        bad.targetRate = -5
        bad.skuCount = 2
        bad.workload = .cart3
        #expect(bad.problems().count == 4, "\(bad.problems())")
        #expect(BenchCommand.freshStoreName().hasPrefix("bench-") && BenchCommand.freshStoreName().count == 18)
    }

    @Test("Open-loop frames are due at fixed intervals, staggered across connections")
    func openLoopPacing() {
        let pacer = OpenLoopPacer(rate: 1_000, batchSize: 10, connections: 2, index: 1, startNanoseconds: 1_000_000)
        #expect(pacer.intervalNanoseconds == 20_000_000)
        #expect(pacer.nextIntendedNanoseconds == 11_000_000)
        #expect(pacer.framesDue(before: 11_000_000) == 0)
        #expect(pacer.framesDue(before: 11_000_001) == 1)
        #expect(pacer.framesDue(before: 1_011_000_000) == 50)
        pacer.advance()
        #expect(pacer.nextIntendedNanoseconds == 31_000_000)
        #expect(pacer.framesDue(before: 1_011_000_000) == 49)
    }
}
