import Foundation
import Testing

@testable import Engine

/// Feeds the decoders random bytes and mutations of valid encodings. Each input
/// must decode or throw `DecodingError` with an offset inside the input (a trap
/// would kill the test process), and whatever decodes must re-encode to exactly
/// the bytes it was read from.
///
/// 4 seeds × 60,000 inputs, each decoded three ways (a whole command, a command
/// at the front of a stream, a whole log record). `HOLDFAST_SEED=<n>` replays one
/// seed; `HOLDFAST_FUZZ_INPUTS=<n>` changes the inputs per seed.
@Suite("CommandCodec fuzz: malformed bytes never trap")
struct CommandCodecFuzzTests {
    static let seeds = WorkloadSeeds.selected(default: 1...4)
    static let inputsPerSeed = ProcessInfo.processInfo.environment["HOLDFAST_FUZZ_INPUTS"].flatMap { Int($0) } ?? 60_000

    struct Tally {
        var decodedCommands = 0
        var decodedStreamPrefixes = 0
        var decodedRecords = 0
        var refusals = 0
    }

    @Test("random and mutated bytes decode or throw DecodingError; what decodes re-encodes exactly", arguments: seeds)
    func decodingNeverTraps(seed: UInt64) {
        var fuzzer = CodecFuzzer(seed: seed)
        var tally = Tally()
        let started = ContinuousClock.now
        for index in 0..<Self.inputsPerSeed {
            let input = fuzzer.nextInput()
            if let failure = Self.check(input, tally: &tally) {
                Issue.record(
                    """
                    seed \(seed) (replay: HOLDFAST_SEED=\(seed)), input \(index) of \(input.count) bytes: \(failure)
                    \(CommandCodecSamples.hex(input.prefix(1_024)))
                    """)
                return
            }
        }
        print(
            "CommandCodec fuzz seed \(seed): \(Self.inputsPerSeed) inputs in \(ContinuousClock.now - started);",
            "decoded \(tally.decodedCommands) commands, \(tally.decodedStreamPrefixes) stream prefixes,",
            "\(tally.decodedRecords) log records; \(tally.refusals) refusals")
        #expect(tally.decodedCommands > Self.inputsPerSeed / 100, "seed \(seed): mutations that still decode")
        #expect(tally.decodedRecords > Self.inputsPerSeed / 200, "seed \(seed)")
        #expect(tally.decodedStreamPrefixes > tally.decodedCommands, "seed \(seed): extended inputs decode as a stream")
        #expect(tally.refusals > Self.inputsPerSeed, "seed \(seed)")
    }

    /// Decodes `input` as a whole command, as the front of a stream, and as a
    /// whole log record; returns what went wrong, if anything.
    static func check(_ input: [UInt8], tally: inout Tally) -> String? {
        do {
            let command = try CommandCodec.decode(input)
            tally.decodedCommands += 1
            if CommandCodec.encode(command) != input { return "command \(command) re-encodes differently" }
        } catch {
            tally.refusals += 1
            if !(0...input.count).contains(error.offset) { return "command refused at offset \(error.offset)" }
        }
        var reader = BinaryReader(input)
        do {
            let command = try CommandCodec.decode(from: &reader)
            tally.decodedStreamPrefixes += 1
            if CommandCodec.encode(command) != Array(input.prefix(reader.offset)) {
                return "stream command \(command) re-encodes differently from its \(reader.offset) bytes"
            }
        } catch {
            if !(0...input.count).contains(error.offset) { return "stream refused at offset \(error.offset)" }
        }
        do {
            let record = try CommandCodec.decodeLogRecord(input)
            tally.decodedRecords += 1
            if CommandCodec.encode(record) != input { return "log record \(record) re-encodes differently" }
        } catch {
            tally.refusals += 1
            if !(0...input.count).contains(error.offset) { return "log record refused at offset \(error.offset)" }
        }
        return nil
    }
}

/// Makes the fuzz inputs from a seed: noise, noise behind a valid tag, and
/// mutations (bit flips, overwritten bytes and counts, truncations, extensions,
/// inserted or deleted bytes, splices) of a corpus of valid command and
/// log-record encodings drawn from the samples and the workload generator.
struct CodecFuzzer {
    var random: SeededRandom
    let corpus: [[UInt8]]
    static let interestingBytes: [UInt8] = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xC3, 0xFF]
    static let interestingCounts: [UInt32] = [0, 1, 2, 3, 64, 65, 256, 257, 1_024, 0x7FFF_FFFF, 0xFFFF_FFFF]

    init(seed: UInt64) {
        random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ 0xC0DEC)
        var corpus = CommandCodecSamples.all.map { CommandCodec.encode($0) }.filter { $0.count <= 4_096 }
        var generator = CommandGenerator(seed: seed)
        for index in 0..<400 {
            let step = generator.next()
            corpus.append(CommandCodec.encode(step.command))
            let record = LogRecord(lsn: UInt64(index), timestamp: step.timestamp, command: step.command, caller: step.caller)
            if index % 2 == 0 { corpus.append(CommandCodec.encode(record)) }
        }
        self.corpus = corpus
    }

    mutating func nextInput() -> [UInt8] {
        switch random.weighted([8, 12, 20, 16, 10, 10, 10, 14]) {
        case 0: noise(count: random.int(0...40))
        case 1: [random.pick(CommandCodec.Tag.allCases).rawValue] + noise(count: random.int(0...96))
        case 2: flipBits(random.pick(corpus))
        case 3: overwrite(random.pick(corpus))
        case 4: truncate(random.pick(corpus))
        case 5: extend(random.pick(corpus))
        case 6: insertOrDelete(random.pick(corpus))
        default: splice(random.pick(corpus), random.pick(corpus))
        }
    }

    /// Random bytes, biased to small values so lengths and presence bytes often pass.
    mutating func noise(count: Int) -> [UInt8] {
        (0..<count).map { _ in
            random.chance(0.5)
                ? random.pick([0, 0, 0, 1, 1, 2, 3, 4, 0x41]) : UInt8.random(in: 0...255, using: &random)
        }
    }

    mutating func flipBits(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<random.int(1...4) {
            bytes[random.int(0...(bytes.count - 1))] ^= 1 << UInt8(random.int(0...7))
        }
        return bytes
    }

    mutating func overwrite(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let position = random.int(0...(bytes.count - 1))
        if random.chance(0.5) || position + 4 > bytes.count {
            bytes[position] = random.pick(Self.interestingBytes)
        } else {
            let count = random.chance(0.2) ? UInt32(bytes.count - position) : random.pick(Self.interestingCounts)
            withUnsafeBytes(of: count.littleEndian) { bytes.replaceSubrange(position..<position + 4, with: $0) }
        }
        return bytes
    }

    mutating func truncate(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.prefix(random.int(0...(bytes.count - 1))))
    }

    mutating func extend(_ bytes: [UInt8]) -> [UInt8] {
        bytes + (random.chance(0.5) ? noise(count: random.int(1...16)) : random.pick(corpus))
    }

    mutating func insertOrDelete(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        if random.chance(0.5) {
            bytes.insert(random.pick(Self.interestingBytes), at: random.int(0...bytes.count))
        } else {
            bytes.remove(at: random.int(0...(bytes.count - 1)))
        }
        return bytes
    }

    mutating func splice(_ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        Array(first.prefix(random.int(0...first.count)) + second.suffix(random.int(0...second.count)))
    }
}
