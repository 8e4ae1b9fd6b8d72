import HoldfastClient
import NIOCore
import Wire

/// Drives one connection for the run: keeps its frames in flight (closed
/// loop) or sends them at their intended times (open loop), from reply
/// callbacks and timers on the connection's event loop: no task or await per
/// operation. Records each measured frame's latency once per operation in it.
///
/// Everything but `init` and `start` runs on the connection's event loop.
final class BenchDriver: @unchecked Sendable {
    let connection: WireConnection
    let source: any BenchFrameSource
    let timing: BenchTiming
    let batchSize: Int
    private(set) var latency = LatencyHistogram()
    /// Operations sent within the measured window (open loop: intended within it).
    private(set) var measuredOperations = 0
    /// Open loop: operations due within the window that were never sent.
    private(set) var missedOperations = 0
    /// When the last reply to a measured frame arrived.
    private(set) var lastMeasuredReplyNanoseconds: UInt64 = 0
    private let pacer: OpenLoopPacer?
    private var freeSlots: [Int]
    private var slotStartNanoseconds: [UInt64]
    private var framesInFlight = 0
    private var stopped = false
    private var finished = false
    private let completion: EventLoopPromise<Void>
    private var drainTimer: Scheduled<Void>?

    /// - Parameter frameIntervalNanoseconds: open loop: time between this
    ///   connection's frames; nil for a closed loop.
    init(
        connection: WireConnection, source: any BenchFrameSource, timing: BenchTiming, framesInFlight: Int,
        batchSize: Int, openLoop pacer: OpenLoopPacer?
    ) {
        self.connection = connection
        self.source = source
        self.timing = timing
        self.batchSize = batchSize
        self.pacer = pacer
        freeSlots = Array((0..<framesInFlight).reversed())
        slotStartNanoseconds = [UInt64](repeating: 0, count: framesInFlight)
        completion = connection.eventLoop.makePromise(of: Void.self)
    }

    /// Starts sending at the run's start time; completes when every frame is answered or given up.
    func start() -> EventLoopFuture<Void> {
        let loop = connection.eventLoop
        loop.execute {
            self.drainTimer = loop.scheduleTask(deadline: .uptimeNanoseconds(self.timing.drainDeadlineNanoseconds)) {
                self.giveUpOnLostFrames()
            }
            loop.scheduleTask(deadline: .uptimeNanoseconds(self.timing.startNanoseconds)) { self.tick() }
        }
        return completion.futureResult
    }

    /// Closed loop: fill the window; open loop: send what is due and set the next timer.
    private func tick() {
        let now = BenchClock.nanoseconds()
        if let pacer {
            sendDue(pacer: pacer, now: now)
            if !stopped {
                let next = max(pacer.nextIntendedNanoseconds, now + OpenLoopPacer.timerResolutionNanoseconds)
                connection.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(next)) { self.tick() }
            }
        } else {
            fillWindow(now: now)
        }
        finishIfDone()
    }

    private func fillWindow(now: UInt64) {
        guard now < timing.measureEndNanoseconds else {
            stopped = true
            return
        }
        while !stopped && !freeSlots.isEmpty {
            if !send(startNanoseconds: now) { break }
        }
    }

    private func sendDue(pacer: OpenLoopPacer, now: UInt64) {
        while !stopped, pacer.nextIntendedNanoseconds <= now {
            let intended = pacer.nextIntendedNanoseconds
            guard intended < timing.measureEndNanoseconds else {
                stopped = true
                return
            }
            guard !freeSlots.isEmpty, send(startNanoseconds: intended) else { break }
            pacer.advance()
        }
        if now >= timing.measureEndNanoseconds && !stopped {
            missedOperations += pacer.framesDue(before: timing.measureEndNanoseconds) * batchSize
            stopped = true
        }
    }

    /// Sends one frame; false when the source has nothing to send now.
    private func send(startNanoseconds: UInt64) -> Bool {
        guard let slot = freeSlots.popLast() else { return false }
        guard let operation = source.prepareFrame(slot: slot, batchSize: batchSize) else {
            freeSlots.append(slot)
            return false
        }
        slotStartNanoseconds[slot] = startNanoseconds
        framesInFlight += 1
        if timing.isMeasured(startNanoseconds) { measuredOperations += source.operationCount(slot: slot) }
        connection.send(
            operation: operation, encodeItems: { writer in self.source.writeItems(slot: slot, into: &writer) },
            onReply: { result in self.receive(result, slot: slot) })
        return true
    }

    private func receive(_ result: Result<Frame, HoldfastClientError>, slot: Int) {
        guard !finished else { return }
        let now = BenchClock.nanoseconds()
        let start = slotStartNanoseconds[slot]
        let measured = timing.isMeasured(start)
        switch result {
        case .success(let frame):
            do throws(WireError) {
                source.handleReply(try ReplyItems(frame), slot: slot, measured: measured)
            } catch {
                source.handleRefusedFrame(slot: slot, errorName: error.name, measured: measured)
                if error.closesConnection { stopped = true }
            }
        case .failure(let error):
            source.handleLostFrame(slot: slot, failureName: error.name, measured: measured)
            stopped = true
        }
        if measured {
            latency.record(now &- start, count: source.operationCount(slot: slot))
            lastMeasuredReplyNanoseconds = max(lastMeasuredReplyNanoseconds, now)
        }
        framesInFlight -= 1
        freeSlots.append(slot)
        if let pacer {
            sendDue(pacer: pacer, now: now)
        } else if !stopped {
            fillWindow(now: now)
        }
        finishIfDone()
    }

    private func finishIfDone() {
        guard stopped, framesInFlight == 0, !finished else { return }
        finished = true
        drainTimer?.cancel()
        completion.succeed()
    }

    /// The drain deadline passed: frames still unanswered are counted lost.
    private func giveUpOnLostFrames() {
        guard !finished else { return }
        stopped = true
        let free = Set(freeSlots)
        for slot in slotStartNanoseconds.indices where !free.contains(slot) {
            source.handleLostFrame(
                slot: slot, failureName: TransportFailure.lost, measured: timing.isMeasured(slotStartNanoseconds[slot]))
        }
        framesInFlight = 0
        finished = true
        completion.succeed()
    }
}
