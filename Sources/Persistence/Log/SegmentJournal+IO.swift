import CHoldfastSupport
import Engine
import Foundation
import Glibc

/// The journal's I/O, on the shard's writer thread: writes, syncs, failure and retry.
extension SegmentJournal {

    /// Writes frames in order; on the first failure keeps it and the rest for retry.
    func write(_ frames: [Frame]) {
        for (index, frame) in frames.enumerated() {
            if let failure = writeFrame(frame) {
                let rest = Array(frames[index...])
                unresolved.append(contentsOf: rest)
                halt(failure)
                failCallbacks(of: rest, reason: failure.description)
                return
            }
            completed(frame)
            for callback in frame.callbacks { callback(.success(())) }
        }
    }

    func retryUnresolved() {
        if unsyncedSince != nil {
            // Relaxed mode's fdatasync failed: writes stay halted until it succeeds.
            syncRelaxed()
            if unsyncedSince != nil { return }
        }
        while let frame = unresolved.first {
            if let failure = writeFrame(frame, forceSync: true) {
                halt(failure)
                return
            }
            unresolved.removeFirst()
            completed(frame)
        }
        resume()
    }

    /// Bookkeeping after a frame is durable (strict) or written (relaxed).
    func completed(_ frame: Frame) {
        condition.lock()
        durableLSN = max(durableLSN, frame.lastLSN)
        if options.durability == .strict { syncedLSN = durableLSN }
        statistics.frames += 1
        statistics.batches += frame.callbacks.count
        statistics.records += frame.recordCount
        statistics.recordBytes += frame.recordBytes
        statistics.bytesWritten += frame.paddedLength
        metrics.countFrame(
            paddedBytes: frame.paddedLength, recordBytes: frame.recordBytes, batches: frame.callbacks.count,
            records: frame.recordCount)
        bytesSinceMarkStorage += frame.paddedLength
        currentSegment = frame.segmentSequence
        condition.broadcast()
        condition.unlock()
    }

    /// Writes one frame at its place (and syncs it in strict mode, or when
    /// `forceSync`); nil on success, else what failed.
    func writeFrame(_ frame: Frame, forceSync: Bool = false) -> JournalFailure? {
        let path = segmentPath(frame.segmentSequence)
        let fd: Int32
        do {
            fd = try segment(frame.segmentSequence)
        } catch {
            return JournalFailure(shardIndex: shardIndex, error: error, operation: "open segment", path: path)
        }
        assert(extentRecorder.newestSegment >= frame.segmentSequence, "a frame goes only into a recorded segment")
        let sync = options.durability == .strict || forceSync
        let operation = sync ? "write + fdatasync" : "write"
        if let injected = faults?.injected(.frameWrite) {
            return JournalFailure(
                shardIndex: shardIndex, operation: operation, path: path, offset: frame.offset, errno: injected)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let status = device.write(
            fd: fd, buffer: frame.buffer.pointer, length: frame.paddedLength, offset: frame.offset, sync: sync)
        let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
        if status != 0 {
            return JournalFailure(
                shardIndex: shardIndex, operation: operation, path: path, offset: frame.offset, errno: status)
        }
        if !sync && unsyncedSince == nil { unsyncedSince = DispatchTime.now().uptimeNanoseconds }
        recordLatency(elapsed)
        if sync {
            metrics.syncLatencyNanoseconds.recordFromOwner(UInt64(elapsed))
        } else {
            metrics.unsyncedWriteLatencyNanoseconds.recordFromOwner(UInt64(elapsed))
        }
        writtenFrameCount += 1
        if sync {
            syncedFrameCount = writtenFrameCount
        } else {
            unsyncedFrames.append(frame)
        }
        retireSegments(before: frame.segmentSequence, synced: sync)
        return nil
    }

    func recordLatency(_ nanoseconds: Int64) {
        condition.lock()
        if statistics.writeLatenciesNanoseconds.count < SegmentJournal.latencySampleCapacity {
            statistics.writeLatenciesNanoseconds.append(nanoseconds)
        } else {
            statistics.writeLatenciesNanoseconds[latencyCursor] = nanoseconds
            latencyCursor = (latencyCursor + 1) % SegmentJournal.latencySampleCapacity
        }
        condition.unlock()
    }

    func relaxedSyncDue() -> Bool {
        guard let since = unsyncedSince else { return false }
        return DispatchTime.now().uptimeNanoseconds - since >= UInt64(options.relaxedSyncIntervalMilliseconds) * 1_000_000
    }

    /// Relaxed mode: fdatasync every segment written since the last sync.
    /// On failure the frames written since the last good sync go back to the
    /// retry list: after a failed fdatasync the kernel may have dropped their
    /// pages as clean, so only writing them again (with a sync) is safe.
    func syncRelaxed() {
        condition.lock()
        let covered = durableLSN
        condition.unlock()
        let coveredFrames = writtenFrameCount
        for (sequence, fd) in openSegments {
            let started = DispatchTime.now().uptimeNanoseconds
            let status = device.sync(fd: fd)
            if status == 0 {
                metrics.syncLatencyNanoseconds.recordFromOwner(DispatchTime.now().uptimeNanoseconds - started)
            }
            if status != 0 {
                halt(JournalFailure(shardIndex: shardIndex, operation: "fdatasync", path: segmentPath(sequence), errno: status))
                unresolved.insert(contentsOf: unsyncedFrames, at: 0)
                unsyncedFrames.removeAll()
                unsyncedSince = nil
                return
            }
        }
        unsyncedSince = nil
        unsyncedFrames.removeAll()
        syncedFrameCount = coveredFrames
        retireSegments(before: position.segmentSequence, synced: true)
        condition.lock()
        syncedLSN = max(syncedLSN, covered)
        condition.broadcast()
        condition.unlock()
    }

    /// Closes segments older than `sequence` once nothing more goes to them
    /// (in relaxed mode only after a sync covered them).
    func retireSegments(before sequence: UInt64, synced: Bool) {
        for (old, fd) in openSegments where old < sequence {
            if options.durability == .relaxed && !synced { continue }
            FileSystem.close(fd)
            openSegments[old] = nil
        }
    }
}
