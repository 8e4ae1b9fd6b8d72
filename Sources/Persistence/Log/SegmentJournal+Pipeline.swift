import Engine
import Foundation
import Glibc

/// Strict mode on io_uring: frames are submitted without waiting, so the
/// writer applies the next batch while the disk writes and syncs this one,
/// and collects completions between batches. Batches are still answered in
/// order: a frame's batches are reported durable only when it and every
/// earlier frame are synced. A frame is synced by the fdatasync linked after
/// its own write; an earlier frame may finish later, so a finished frame waits
/// behind the unfinished ones before it.
///
/// A failure — a frame that could not be submitted, a failed or short write,
/// a failed sync — is met in order too: once every frame in flight has
/// finished, the failed frame and all after it (whatever became of them:
/// their outcome is unknown) go to the retry list, writes halt, and their
/// batches fail, exactly as when a blocking write fails.
extension SegmentJournal {

    /// Hands `frames` to the device, in order, without waiting for them.
    func submit(_ frames: [Frame]) {
        guard let pipeline else { preconditionFailure("not pipelined") }
        for frame in frames {
            let tag = nextTag
            nextTag += 1
            var entry = InFlightFrame(frame: frame, tag: tag, submittedAt: DispatchTime.now().uptimeNanoseconds)
            let path = segmentPath(frame.segmentSequence)
            do {
                let fd = try segment(frame.segmentSequence)
                assert(extentRecorder.newestSegment >= frame.segmentSequence, "a frame goes only into a recorded segment")
                if let injected = faults?.injected(.frameWrite) {
                    entry.refusal = failure(path: path, offset: frame.offset, errno: injected)
                } else {
                    // Room comes back as earlier frames finish (the ring holds
                    // far more frames than a shard keeps in flight).
                    while !pipeline.hasRoom && !inFlight.isEmpty { collectCompletions(waiting: true) }
                    let status = pipeline.submit(
                        fd: fd, buffer: frame.buffer.pointer, length: frame.paddedLength, offset: frame.offset,
                        sync: true, tag: tag)
                    if status != 0 { entry.refusal = failure(path: path, offset: frame.offset, errno: status) }
                }
            } catch {
                entry.refusal = JournalFailure(shardIndex: shardIndex, error: error, operation: "open segment", path: path)
            }
            inFlight.append(entry)
        }
    }

    /// Collects finished frames and answers their batches, oldest first; with
    /// `waiting`, first waits until at least one frame is answered (if any is
    /// in flight). Called by the shard's writer between batches.
    public func collectCompletions(waiting: Bool) {
        guard let pipeline, !inFlight.isEmpty else { return }
        var mustAnswer = waiting
        while !inFlight.isEmpty {
            if !inFlight[0].isFinished {
                let status = pipeline.reap(waiting: mustAnswer, into: &reaped)
                if status != 0 {
                    abandonInFlight(errno: status)
                    return
                }
                record(reaped)
                reaped.removeAll(keepingCapacity: true)
                guard inFlight[0].isFinished else {
                    if mustAnswer { continue }
                    return
                }
            }
            if let failure = outcome(of: inFlight[0]) {
                failInFlight(failure)
                return
            }
            finishPipelined(inFlight.removeFirst())
            mustAnswer = false
        }
    }

    /// Stores reaped results in their frames.
    private func record(_ completions: [LogCompletion]) {
        guard let first = inFlight.first?.tag else { return }
        for completion in completions {
            let index = Int(completion.tag &- first)
            guard inFlight.indices.contains(index) else { continue }
            if completion.isSync {
                inFlight[index].syncResult = completion.result
            } else {
                inFlight[index].writeResult = completion.result
            }
        }
    }

    /// Why a finished frame is not durable, or nil if it is.
    private func outcome(of entry: InFlightFrame) -> JournalFailure? {
        if let refusal = entry.refusal { return refusal }
        let path = segmentPath(entry.frame.segmentSequence)
        let written = entry.writeResult ?? -EIO
        if written < 0 { return failure(path: path, offset: entry.frame.offset, errno: -written) }
        if Int(written) != entry.frame.paddedLength {
            // A short write (device limits; not seen with 4 KiB-aligned
            // direct writes): the retry writes the frame whole.
            return JournalFailure(
                shardIndex: shardIndex, operation: "write (short: \(written) of \(entry.frame.paddedLength) bytes)",
                path: path, offset: entry.frame.offset, errno: EIO)
        }
        let synced = entry.syncResult ?? -EIO
        if synced < 0 { return failure(path: path, offset: entry.frame.offset, errno: -synced) }
        return nil
    }

    /// Bookkeeping and answers for a frame that is durable, with every one before it.
    private func finishPipelined(_ entry: InFlightFrame) {
        let elapsed = DispatchTime.now().uptimeNanoseconds - entry.submittedAt
        recordLatency(Int64(elapsed))
        metrics.syncLatencyNanoseconds.recordFromOwner(elapsed)
        writtenFrameCount += 1
        syncedFrameCount = writtenFrameCount
        assert(syncedFrameCount == entry.frame.sequence + 1, "frames answered out of order")
        retireSegments(before: entry.frame.segmentSequence, synced: true)
        completed(entry.frame)
        for callback in entry.frame.callbacks { callback(.success(())) }
    }

    /// The oldest frame failed: waits until every frame in flight has
    /// finished, then keeps them all for the retry, halts writes and fails
    /// their batches.
    private func failInFlight(_ failure: JournalFailure) {
        if let pipeline {
            while inFlight.contains(where: { !$0.isFinished }) {
                let status = pipeline.reap(waiting: true, into: &reaped)
                record(reaped)
                reaped.removeAll(keepingCapacity: true)
                if status != 0 { break }
            }
        }
        let frames = inFlight.map(\.frame)
        inFlight.removeAll()
        unresolved.append(contentsOf: frames)
        halt(failure)
        failCallbacks(of: frames, reason: failure.description)
    }

    /// The device can no longer say what finished: every frame in flight
    /// has an unknown outcome.
    private func abandonInFlight(errno: Int32) {
        let head = inFlight[0].frame
        failInFlight(failure(path: segmentPath(head.segmentSequence), offset: head.offset, errno: errno))
    }

    private func failure(path: String, offset: Int64, errno: Int32) -> JournalFailure {
        JournalFailure(shardIndex: shardIndex, operation: "write + fdatasync", path: path, offset: offset, errno: errno)
    }
}
