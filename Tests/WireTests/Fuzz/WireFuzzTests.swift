import Foundation
import Testing

@testable import Engine
@testable import Wire

/// Feeds the frame decoding path (`FrameDecodingCheck`) mutations of valid frames
/// and random bytes. Every input must be refused with an error or decode — a
/// trap would kill the test process — and whatever decodes must encode back
/// to exactly the input bytes.
///
/// The seed is new on every run and printed; `HOLDFAST_FUZZ_SEED=<n>` replays
/// one, `HOLDFAST_FUZZ_INPUTS=<n>` changes the number of inputs (100,000).
@Suite("Wire frame fuzz: malformed frames never trap")
struct WireFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = environment["HOLDFAST_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
    static let inputCount = environment["HOLDFAST_FUZZ_INPUTS"].flatMap { Int($0) } ?? 100_000

    struct Tally {
        var refused = 0
        var roundTrips = 0
        var refusalsByKind: [String: Int] = [:]
    }

    @Test("mutated and random frames are refused or decode and re-encode to the same bytes")
    func decodingNeverTraps() {
        let seed = Self.seed
        print("Wire frame fuzz: seed \(seed) (replay with HOLDFAST_FUZZ_SEED=\(seed)), \(Self.inputCount) inputs")
        var mutator = FrameMutator(seed: seed)
        var tally = Tally()
        let started = ContinuousClock.now
        for index in 0..<Self.inputCount {
            let input = mutator.nextInput()
            switch FrameDecodingCheck.check(input) {
            case .refused(let reason):
                tally.refused += 1
                tally.refusalsByKind[String(reason.prefix { $0 != "(" && $0 != ":" }), default: 0] += 1
            case .roundTrips:
                tally.roundTrips += 1
            case .differs(let difference):
                Issue.record(
                    """
                    seed \(seed) (replay: HOLDFAST_FUZZ_SEED=\(seed)), input \(index) of \(input.count) bytes: \(difference)
                    \(Hex.string(input.prefix(2_048)))
                    """)
                return
            }
        }
        print(
            "Wire frame fuzz: seed \(seed): \(Self.inputCount) inputs in \(ContinuousClock.now - started);",
            "\(tally.roundTrips) decoded and re-encoded, \(tally.refused) refused")
        #expect(tally.roundTrips > Self.inputCount / 20, "seed \(seed): mutations that still decode")
        #expect(tally.refused > Self.inputCount / 4, "seed \(seed): mutations that are refused")
    }

    @Test("every sample frame decodes and re-encodes to the same bytes")
    func samplesRoundTrip() {
        let samples = SampleFrames.all()
        #expect(samples.count > 100)
        for (index, frame) in samples.enumerated() {
            #expect(FrameDecodingCheck.check(frame) == .roundTrips, "sample \(index): \(Hex.string(frame.prefix(64)))")
        }
    }

    @Test("fuzzer inputs: an odd first byte repairs lengths and checksums, an even one keeps the bytes")
    func fuzzInputModes() {
        var frame = SampleFrames.requests()[0]
        frame[40] ^= 0xFF
        #expect(FrameDecodingCheck.frame(fromFuzzInput: [0] + frame) == frame)
        let repaired = FrameDecodingCheck.frame(fromFuzzInput: [1] + frame)
        #expect(repaired != frame)
        #expect(throws: Never.self) {
            _ = try Frame(header: FrameHeader.decode(repaired), body: Array(repaired[32...])).itemRanges()
        }
        #expect(FrameDecodingCheck.frame(fromFuzzInput: []) == [])
    }
}
