import CHoldfastSupport
import Engine
import Foundation
import Glibc

/// Group commit's encoding: batches into frames placed one after another.
extension SegmentJournal {

    /// Encodes batches into frames of at most `frameBytesMax` bytes, placed one
    /// after another from `position`; each batch's callback rides on the frame
    /// that holds its last record.
    func encodeFrames(_ batches: [PendingBatch]) -> [Frame] {
        var frames: [Frame] = []
        var builder = FrameBuilder(capacity: min(options.frameBytesMax, 64 << 10))
        for batch in batches {
            for record in batch.records {
                encoder.reset()
                CommandCodec.encode(record, into: &encoder)
                let size = SegmentFormat.recordHeaderBytes + encoder.bytes.count
                if builder.recordCount > 0 && builder.length + size > options.frameBytesMax {
                    frames.append(finish(&builder))
                    builder = FrameBuilder(capacity: min(options.frameBytesMax, 64 << 10))
                }
                builder.append(payload: encoder.bytes, lsn: record.lsn)
            }
            builder.callbacks.append(batch.onDurable)
        }
        if builder.recordCount > 0 || !builder.callbacks.isEmpty {
            if builder.recordCount == 0, let last = frames.indices.last {
                frames[last].callbacks.append(contentsOf: builder.callbacks)
            } else if builder.recordCount > 0 {
                frames.append(finish(&builder))
            } else {
                // Only empty batches: nothing to write; they are as durable as the log.
                for callback in builder.callbacks { callback(.success(())) }
            }
        }
        return frames
    }

    private func finish(_ builder: inout FrameBuilder) -> Frame {
        let padded = AlignedBuffer.roundUp(builder.length)
        if position.offset + Int64(padded) > capacity(of: position.segmentSequence) {
            position.segmentSequence += 1
            position.offset = Int64(SegmentFormat.blockSize)
        }
        // Frames before this one that may not be durable yet: none in strict
        // mode when each frame is synced before the next is written; the
        // frames still in flight when strict writes are pipelined; in relaxed
        // mode, every frame since the last fdatasync.
        let unsynced =
            options.durability == .strict && pipeline == nil ? 0 : position.nextFrameSequence - syncedFrameCount
        let chainHash = builder.seal(
            frameSequence: position.nextFrameSequence, previousChainHash: position.chainHash,
            unsyncedBefore: UInt16(clamping: unsynced), hasher: hasher)
        let frame = Frame(
            buffer: builder.buffer, paddedLength: padded, segmentSequence: position.segmentSequence,
            offset: position.offset, sequence: position.nextFrameSequence, lastLSN: builder.lastLSN, recordCount: builder.recordCount,
            recordBytes: builder.length - SegmentFormat.frameHeaderBytes, callbacks: builder.callbacks)
        position.offset += Int64(padded)
        position.nextFrameSequence += 1
        position.chainHash = chainHash
        position.lastLSN = builder.lastLSN
        // The next segment is prepared as soon as this one takes its first
        // frame: the preparer (low priority) has a whole segment's worth of
        // writes to finish, so the writer does not wait for it at the switch.
        if preparedSequence <= position.segmentSequence {
            preparedSequence = position.segmentSequence + 1
            prepareSegment(preparedSequence)
        }
        return frame
    }

    /// The size of segment `sequence`: as found if it exists, else as it will be made.
    func capacity(of sequence: UInt64) -> Int64 {
        if let known = segmentCapacities[sequence] { return known }
        var info = stat()
        if stat(segmentPath(sequence), &info) == 0 {
            segmentCapacities[sequence] = Int64(info.st_size)
            return Int64(info.st_size)
        }
        return Int64(options.segmentBytes)
    }
}
