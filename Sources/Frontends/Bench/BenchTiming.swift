import NIOCore

/// The monotonic clock of a run (the one NIO's timers use), in nanoseconds.
enum BenchClock {
    @inline(__always)
    static func nanoseconds() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}

/// The phases of a run on the monotonic clock: warm-up from `start`, then the
/// measured window, then a drain of the replies still due.
struct BenchTiming: Sendable, Equatable {
    var startNanoseconds: UInt64
    var measureStartNanoseconds: UInt64
    var measureEndNanoseconds: UInt64
    /// After it, frames still unanswered are counted lost.
    var drainDeadlineNanoseconds: UInt64

    /// Phases starting `delaySeconds` from `now` (time for every connection's first timer).
    init(now: UInt64, delaySeconds: Double = 0.05, warmupSeconds: Double, durationSeconds: Double, drainTimeoutSeconds: Double) {
        startNanoseconds = now + Self.nanoseconds(delaySeconds)
        measureStartNanoseconds = startNanoseconds + Self.nanoseconds(warmupSeconds)
        measureEndNanoseconds = measureStartNanoseconds + Self.nanoseconds(durationSeconds)
        drainDeadlineNanoseconds = measureEndNanoseconds + Self.nanoseconds(drainTimeoutSeconds)
    }

    /// Whether a frame started (or, in an open loop, was due) at `nanoseconds` counts in the report.
    @inline(__always)
    func isMeasured(_ nanoseconds: UInt64) -> Bool {
        nanoseconds >= measureStartNanoseconds && nanoseconds < measureEndNanoseconds
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64((seconds * 1e9).rounded()) }
}

/// When an open-loop connection's frames are due: every `intervalNanoseconds`
/// from its first, whether or not earlier ones were answered, so a slow
/// server shows up as latency (measured from the due time) and not as a
/// quietly lower rate (coordinated omission).
final class OpenLoopPacer: @unchecked Sendable {
    let intervalNanoseconds: Double
    private let firstNanoseconds: UInt64
    private var framesSent: UInt64 = 0

    /// Timers fire no more often than this; frames due meanwhile go out together.
    static let timerResolutionNanoseconds: UInt64 = 50_000

    /// The pacer of connection `index` of `connections` offering `rate`
    /// operations/s in frames of `batchSize`, staggered so connections
    /// take turns.
    init(rate: Double, batchSize: Int, connections: Int, index: Int, startNanoseconds: UInt64) {
        let framesPerSecond = rate / Double(batchSize) / Double(connections)
        intervalNanoseconds = 1e9 / framesPerSecond
        firstNanoseconds = startNanoseconds + UInt64(intervalNanoseconds * Double(index) / Double(connections))
    }

    /// When the next frame is due.
    var nextIntendedNanoseconds: UInt64 { intended(framesSent) }

    func advance() { framesSent += 1 }

    /// Frames due from the next one up to (not including) `end`.
    func framesDue(before end: UInt64) -> Int {
        guard end > firstNanoseconds else { return 0 }
        var total = UInt64((Double(end - firstNanoseconds) / intervalNanoseconds).rounded(.up))
        while total > 0 && intended(total - 1) >= end { total -= 1 }
        while intended(total) < end { total += 1 }
        return total > framesSent ? Int(total - framesSent) : 0
    }

    private func intended(_ frame: UInt64) -> UInt64 {
        firstNanoseconds + UInt64(Double(frame) * intervalNanoseconds)
    }
}
