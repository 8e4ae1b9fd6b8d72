import Foundation
import Testing

@testable import Engine

/// Corrupts valid state encodings — truncations, bit flips, overwritten bytes
/// and 32-bit fields, extensions — and decodes them. Each must either throw
/// `DecodingError` (with an offset inside the input) or decode to a state that
/// re-encodes to exactly those bytes, holds every invariant and keeps running;
/// a trap would kill the test process.
///
/// 4 seeds × 5,000 corruptions. `HOLDFAST_SEED=<n>` replays one seed (the
/// failure message names the seed and the corruption's index);
/// `HOLDFAST_STATE_FUZZ_INPUTS=<n>` changes the corruptions per seed.
@Suite("State decoding fuzz: corrupt states never trap")
struct StateDecodingFuzzTests {
    static let seeds = WorkloadSeeds.selected(default: 1...4)
    static let inputsPerSeed =
        ProcessInfo.processInfo.environment["HOLDFAST_STATE_FUZZ_INPUTS"].flatMap { Int($0) } ?? 5_000

    /// Valid encodings to corrupt, with the limits they were made under: the
    /// empty state, the hand-built state that uses every table (twice, for
    /// weight) and workload states of a few sizes over all four profiles.
    static let corpus: [(bytes: [UInt8], limits: Limits)] = {
        let rich = StateDecodingSamples.richState().machine.encodedState()
        var corpus = [(StateMachine().encodedState(), Limits.standard), (rich, .standard), (rich, .standard)]
        for (seed, commands) in [(400, 60), (401, 150), (402, 250), (403, 400), (404, 120), (407, 300)] {
            var generator = CommandGenerator(seed: UInt64(seed))
            var machine = StateMachine(limits: generator.limits)
            StateDecodingTests.drive(&machine, &generator, commands: commands)
            corpus.append((machine.encodedState(), machine.limits))
        }
        return corpus
    }()

    struct Tally {
        var accepted = 0
        var refused = 0
    }

    @Test("corrupted encodings are refused with DecodingError or decode to exactly themselves", arguments: seeds)
    func corruptionNeverTraps(seed: UInt64) {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 0x5EED)
        var tally = Tally()
        let started = ContinuousClock.now
        for index in 0..<Self.inputsPerSeed {
            let (original, limits) = random.pick(Self.corpus)
            let (input, corruption) = Self.corrupt(original, random: &random)
            if let failure = Self.check(input, limits: limits, tally: &tally) {
                Issue.record(
                    "seed \(seed) (replay: HOLDFAST_SEED=\(seed)), corruption \(index) (\(corruption)) of \(original.count) bytes: \(failure)"
                )
                return
            }
        }
        print(
            "State decoding fuzz seed \(seed): \(Self.inputsPerSeed) corruptions in \(ContinuousClock.now - started);",
            "\(tally.refused) refused, \(tally.accepted) accepted")
        #expect(tally.refused + tally.accepted == Self.inputsPerSeed)
        #expect(tally.refused > Self.inputsPerSeed / 2, "seed \(seed): most corruptions are detected")
    }

    /// Decodes `input`; returns what went wrong, if anything.
    static func check(_ input: [UInt8], limits: Limits, tally: inout Tally) -> String? {
        var decoded: StateMachine
        do {
            decoded = try StateMachine(decoding: input, limits: limits)
        } catch let error as DecodingError {
            tally.refused += 1
            return (0...input.count).contains(error.offset)
                ? nil : "refused at offset \(error.offset), outside the input"
        } catch {
            return "refused with \(error), not a DecodingError"
        }
        tally.accepted += 1
        if decoded.encodedState() != input { return "accepted, but re-encodes differently" }
        let violations = decoded.checkInvariants()
        if !violations.isEmpty { return "accepted, but breaks invariants: \(violations)" }
        // An accepted state must also run: expire and purge everything due in 40 days.
        let fortyDays = 40 * 86_400 * Limits.nanosecondsPerSecond
        _ = decoded.apply(.advanceTime, at: decoded.now > Int64.max - fortyDays ? Int64.max : decoded.now + fortyDays)
        let afterTick = decoded.checkInvariants()
        return afterTick.isEmpty ? nil : "accepted, but a tick breaks invariants: \(afterTick)"
    }

    /// One random corruption of `bytes` and a description of it.
    static func corrupt(_ bytes: [UInt8], random: inout SeededRandom) -> ([UInt8], String) {
        var input = bytes
        let offset = random.int(0...(bytes.count - 1))
        switch random.weighted([2, 4, 2, 4, 2, 1]) {
        case 0:
            return (Array(bytes.prefix(offset)), "truncated to \(offset)")
        case 1:
            let flips = random.int(1...3)
            for _ in 0..<flips { input[random.int(0...(input.count - 1))] ^= 1 << UInt8(random.int(0...7)) }
            return (input, "\(flips) bit flips")
        case 2:
            input[offset] = UInt8.random(in: 0...255, using: &random)
            return (input, "byte \(offset) set to \(input[offset])")
        case 3:
            let value = random.pick([-1, 0, 1, 2, 3, 7, 64, 255, 256, 65_536, Int32.max, Int32.min, Int32(offset)])
            for position in 0..<min(4, input.count - offset) {
                input[offset + position] = UInt8(truncatingIfNeeded: UInt32(bitPattern: value) >> (8 * position))
            }
            return (input, "Int32 at \(offset) set to \(value)")
        case 4:
            let extra = (0..<random.int(1...16)).map { _ in UInt8.random(in: 0...255, using: &random) }
            return (input + extra, "\(extra.count) bytes appended")
        default:
            input[offset] ^= 1 << UInt8(random.int(0...7))
            let length = random.int(0...input.count)
            return (Array(input.prefix(length)), "bit flip at \(offset), truncated to \(length)")
        }
    }
}
