import CHoldfastSupport
import Engine
import Foundation
import Glibc

/// Segment files: opening, preallocating ahead of need, and their sizes.
extension SegmentJournal {

    func segmentPath(_ sequence: UInt64) -> String {
        FileSystem.join(directory, SegmentFormat.segmentName(sequence))
    }

    /// The open file of segment `sequence`, creating it (preallocated) if needed.
    func segment(_ sequence: UInt64) throws(PersistenceError) -> Int32 {
        if let fd = openSegments[sequence] { return fd }
        let path = segmentPath(sequence)
        // Made by the preparer, named, its directory entry durable and the
        // log's extent recorded: nothing to wait for. (The preparer may be
        // busy with the segment after this one already.)
        let prepared = condition.withLock { preparedSegments.remove(sequence) != nil }
        if !prepared {
            condition.withLock { statistics.segmentSwitchWaits += 1 }
            // A background preparation may be under way (or have renamed the
            // file but not yet synced the directory): let it finish first.
            preparationWanted.store(true, ordering: .relaxed)
            preparer.waitUntilIdle()
            preparationWanted.store(false, ordering: .relaxed)
        }
        if !FileSystem.exists(path) { try createSegment(sequence, pacing: .full) }
        let fd = try openForWriting(path)
        // Frames acknowledged in this file must not vanish with its directory
        // entry: make the entry durable before the first frame goes in, whoever
        // created the file (an earlier run, or this call); then record that
        // the log reaches this far.
        if !prepared {
            do {
                try FileSystem.syncDirectory(directory)
                try extentRecorder.cover(sequence)
            } catch {
                FileSystem.close(fd)
                throw error
            }
        }
        openSegments[sequence] = fd
        segmentCapacities[sequence] = try FileSystem.size(ofFile: fd, path: path)
        return fd
    }

    private func openForWriting(_ path: String) throws(PersistenceError) -> Int32 {
        if directIOActive {
            do {
                return try FileSystem.open(path, flags: O_RDWR | holdfast_open_direct_flag())
            } catch {
                guard case .io(_, _, let code) = error, code == EINVAL else { throw error }
                directIOActive = false
                condition.lock()
                noteList.append("direct I/O not supported on this file system; using buffered writes + fdatasync")
                condition.unlock()
            }
        }
        return try FileSystem.open(path, flags: O_RDWR)
    }

    /// Creates the next segment ahead of need, off the I/O thread.
    func prepareSegment(_ sequence: UInt64) {
        let path = segmentPath(sequence)
        guard !FileSystem.exists(path) else { return }
        preparer.async { [self] in
            guard !FileSystem.exists(path) else { return }
            // Recorded here, off the I/O thread, so the switch to it costs no
            // extra write; a failure is met again (and reported) by `segment`.
            do {
                try createSegment(sequence, pacing: .besideLiveLog(bytesPerSecond: options.backgroundWriteBytesPerSecond))
                try extentRecorder.cover(sequence)
                condition.withLock { _ = preparedSegments.insert(sequence) }
            } catch {}
        }
    }

    /// Writes a segment in full — header block, then zeros — so that later
    /// frame writes overwrite blocks already allocated and written (fdatasync
    /// then commits no file-system metadata), then publishes it by rename.
    /// Direct I/O at a capped rate (`WritePacing`) keeps the zeros out of the
    /// page cache and out of the way of the log's own fdatasync.
    func createSegment(_ sequence: UInt64, pacing: WritePacing) throws(PersistenceError) {
        let path = segmentPath(sequence)
        if let injected = faults?.injected(.segmentCreate) {
            throw .io(operation: "create segment", path: path, errno: injected)
        }
        let temporary = path + ".tmp"
        let (fd, direct) = try PacedFileWriter.create(temporary)
        var header = segmentHeader
        header.sequence = sequence
        header.createdAtNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let block = header.encodedBlock()
        let writer = PacedFileWriter(pacing: pacing, hurry: { self.preparationWanted.load(ordering: .relaxed) })
        let status = writer.write(fd, length: options.segmentBytes, direct: direct) { buffer, offset, count in
            buffer.initializeMemory(as: UInt8.self, repeating: 0, count: count)
            if offset == 0 {
                block.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: min(count, $0.count)) }
            }
        }
        FileSystem.close(fd)
        if status != 0 {
            try? FileSystem.remove(temporary)
            throw .io(operation: "preallocate segment", path: path, errno: status)
        }
        try FileSystem.rename(temporary, path)
        try FileSystem.syncDirectory(directory)
        condition.lock()
        statistics.segmentsCreated += 1
        condition.unlock()
    }
}
