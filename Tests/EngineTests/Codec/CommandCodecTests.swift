import Testing

@testable import Engine

/// The canonical encoding of commands and log records: round trips of every
/// kind on its edges and of generated workloads, byte-exact test vectors (the
/// ones in docs/wire-protocol.md and docs/storage-format.md), and the
/// structural checks decoding makes.
@Suite("CommandCodec: canonical command and log-record encoding")
struct CommandCodecTests {
    // MARK: Round trips

    @Test("the samples cover every tag")
    func samplesCoverEveryTag() {
        let covered = Set(CommandCodecSamples.all.map { CommandCodec.tag(of: $0) })
        #expect(covered == Set(CommandCodec.Tag.allCases))
    }

    @Test("every command kind round-trips on its edges", arguments: CommandCodecSamples.all)
    func edgeRoundTrip(command: Command) throws {
        let encoded = CommandCodec.encode(command)
        #expect(encoded.first == CommandCodec.tag(of: command).rawValue)
        let decoded = try CommandCodec.decode(encoded)
        #expect(decoded == command)
        #expect(CommandCodec.encode(decoded) == encoded)

        var writer = BinaryWriter()
        writer.write(UInt8(0xAB))
        CommandCodec.encode(command, into: &writer)
        #expect(Array(writer.bytes.dropFirst()) == encoded, "encode(into:) appends the same bytes")
    }

    @Test("log records round-trip with extreme LSNs and timestamps", arguments: CommandCodecSamples.all)
    func logRecordRoundTrip(command: Command) throws {
        for (lsn, timestamp) in [(UInt64.max, Int64.min), (0, Int64.max), (1, 0)] {
            let record = LogRecord(lsn: lsn, timestamp: timestamp, command: command)
            let encoded = CommandCodec.encode(record)
            #expect(encoded.count == 16 + CommandCodec.encode(command).count)
            let decoded = try CommandCodec.decodeLogRecord(encoded)
            #expect(decoded == record)
            #expect(CommandCodec.encode(decoded) == encoded)
        }
    }

    @Test("a customer caller rides in the record after the marker 0xC0; a service record has none")
    func callerInRecord() throws {
        let command = CommandCodecSamples.all[1]
        let service = LogRecord(lsn: 9, timestamp: 3, command: command)
        let customer = LogRecord(lsn: 9, timestamp: 3, command: command, caller: .customer("cust-42"))
        let serviceBytes = CommandCodec.encode(service)
        let customerBytes = CommandCodec.encode(customer)
        #expect(serviceBytes.count == 16 + CommandCodec.encode(command).count, "no marker for a service caller")
        #expect(customerBytes[16] == CommandCodec.customerCallerMarker)
        #expect(customerBytes.count == serviceBytes.count + 1 + 4 + 7)
        #expect(try CommandCodec.decodeLogRecord(customerBytes) == customer)
        #expect(try CommandCodec.decodeLogRecord(serviceBytes) == service)
        var truncated = customerBytes
        truncated.removeLast(CommandCodec.encode(command).count + 3)
        #expect(throws: DecodingError.self) { try CommandCodec.decodeLogRecord(truncated) }
    }

    @Test("a stream of encodings decodes back one by one, each read to its last byte")
    func streamOfCommands() throws {
        var writer = BinaryWriter()
        var ends: [Int] = []
        for (index, command) in CommandCodecSamples.all.enumerated() {
            CommandCodec.encode(
                LogRecord(lsn: UInt64(index), timestamp: Int64(index) * 7, command: command), into: &writer)
            ends.append(writer.bytes.count)
        }
        var reader = BinaryReader(writer.bytes)
        for (index, command) in CommandCodecSamples.all.enumerated() {
            let record = try CommandCodec.decodeLogRecord(from: &reader)
            #expect(record == LogRecord(lsn: UInt64(index), timestamp: Int64(index) * 7, command: command))
            #expect(reader.offset == ends[index])
        }
        #expect(reader.isAtEnd)
    }

    /// Drives the model-based workload generator against the state machine: every
    /// command round-trips unless an array exceeds its limit (then decoding
    /// refuses it), and every command the state machine logged round-trips as a
    /// log record — so nothing that reaches the log is refused on replay.
    @Test("generated workloads round-trip; every logged command decodes")
    func generatedWorkloadsRoundTrip() {
        var coverage = GeneratedCoverage()
        for seed in WorkloadSeeds.selected(default: 1...8) {
            var generator = CommandGenerator(seed: seed)
            var machine = StateMachine(limits: generator.limits)
            for index in 0..<WorkloadSeeds.commandsPerSeed(default: 2_500) {
                let step = generator.next()
                let applied = machine.apply(step.command, at: step.timestamp, by: step.caller)
                generator.observe(applied.outcome)
                let failures = Self.roundTripFailures(step, lsn: applied.lsn, coverage: &coverage)
                if !failures.isEmpty {
                    Issue.record(
                        """
                        seed \(seed) (replay: HOLDFAST_SEED=\(seed)), command \(index): \(step.command)
                        \(failures.joined(separator: "\n"))
                        """)
                    return
                }
            }
        }
        print(
            "CommandCodec generated workloads: \(coverage.commands) commands, \(coverage.logged) logged,",
            "\(coverage.refused) refused for a count above its limit")
        #expect(coverage.tags == Set(CommandCodec.Tag.allCases), "every kind generated")
        #expect(coverage.logged > 1_000)
        #expect(coverage.refused > 0, "some commands exceed a count limit")
    }

    struct GeneratedCoverage {
        var tags: Set<CommandCodec.Tag> = []
        var commands = 0
        var logged = 0
        var refused = 0
    }

    static func roundTripFailures(_ step: WorkloadStep, lsn: UInt64?, coverage: inout GeneratedCoverage) -> [String] {
        let encoded = CommandCodec.encode(step.command)
        coverage.tags.insert(CommandCodec.tag(of: step.command))
        coverage.commands += 1
        var failures: [String] = []
        do {
            let decoded = try CommandCodec.decode(encoded)
            if decoded != step.command { failures.append("decoded \(decoded)") }
            if CommandCodec.encode(decoded) != encoded { failures.append("re-encoding differs") }
            if CommandCodecSamples.exceedsCountLimits(step.command) { failures.append("over-limit command decoded") }
        } catch {
            coverage.refused += 1
            if !CommandCodecSamples.exceedsCountLimits(step.command) { failures.append("refused: \(error)") }
        }
        guard let lsn else { return failures }
        coverage.logged += 1
        let record = LogRecord(lsn: lsn, timestamp: step.timestamp, command: step.command, caller: step.caller)
        do {
            let decoded = try CommandCodec.decodeLogRecord(CommandCodec.encode(record))
            if decoded != record { failures.append("log record decoded as \(decoded)") }
        } catch {
            failures.append("logged command refused: \(error)")
        }
        return failures
    }

    // MARK: Test vectors (also in docs/wire-protocol.md and, for the log record, docs/storage-format.md)

    static let commandVectors: [(name: String, command: Command, hex: String)] = [
        ("advanceTime", .advanceTime, "01"),
        (
            "single-line reserve",
            .reserve(Reserve(store: "s1", reservationID: "r1", lines: [LineRequest(sku: "sku1", quantity: 2)])),
            """
            20 02000000 7331 02000000 7231
            01000000 04000000 736b7531 00 0200000000000000
            8403000000000000 00
            """
        ),
        (
            "setStock",
            .setStock(
                SetStock(store: "s1", sku: "sku1", location: "east", onHand: 10, backorderLimit: 5, requestKey: "k1")),
            """
            10 02000000 7331 04000000 736b7531 01 04000000 65617374
            01 0a00000000000000 00 00 01 0500000000000000 01 02000000 6b31
            """
        ),
        (
            "placeOrder",
            .placeOrder(
                PlaceOrder(
                    store: "s1", orderID: "o1", customerID: "c1",
                    lines: [
                        PricedLineRequest(sku: "sku1", quantity: 2, unitPriceMinor: 1_999),
                        PricedLineRequest(sku: "sku2", location: "west", quantity: 1, unitPriceMinor: 500),
                    ], currency: "EUR", taxMinor: 380, discountMinor: 100)),
            """
            40 02000000 7331 02000000 6f31 02000000 6331
            02000000
            04000000 736b7531 00 0200000000000000 cf07000000000000
            04000000 736b7532 01 04000000 77657374 0100000000000000 f401000000000000
            03000000 455552 7c01000000000000 0000000000000000 6400000000000000
            """
        ),
    ]

    @Test("command test vectors match byte for byte", arguments: commandVectors.indices)
    func commandVector(index: Int) throws {
        let vector = Self.commandVectors[index]
        let expected = CommandCodecSamples.bytes(hex: vector.hex)
        #expect(
            CommandCodecSamples.hex(CommandCodec.encode(vector.command)) == CommandCodecSamples.hex(expected),
            "\(vector.name)")
        #expect(try CommandCodec.decode(expected) == vector.command, "\(vector.name)")
    }

    @Test("log record test vector matches byte for byte")
    func logRecordVector() throws {
        let record = LogRecord(
            lsn: 42, timestamp: 1_700_000_000_000_000_000,
            command: .payOrder(OrderTransition(store: "s1", orderID: "o1", requestKey: "k7")))
        let expected = CommandCodecSamples.bytes(
            hex: """
                2a00000000000000 00002a36fe9c9717
                41 02000000 7331 02000000 6f31 01 02000000 6b37
                """)
        #expect(CommandCodecSamples.hex(CommandCodec.encode(record)) == CommandCodecSamples.hex(expected))
        #expect(try CommandCodec.decodeLogRecord(expected) == record)
    }
}
