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
        // A background preparation may be under way (or have renamed the file
        // but not yet synced the directory): let it finish first.
        preparer.waitUntilIdle()
        if !FileSystem.exists(path) { try createSegment(sequence) }
        let fd = try openForWriting(path)
        // Frames acknowledged in this file must not vanish with its directory
        // entry: make the entry durable before the first frame goes in, whoever
        // created the file (the preparer, an earlier run); then record that
        // the log reaches this far (usually the preparer did already).
        do {
            try FileSystem.syncDirectory(directory)
            try extentRecorder.cover(sequence)
        } catch {
            FileSystem.close(fd)
            throw error
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
                try createSegment(sequence)
                try extentRecorder.cover(sequence)
            } catch {}
        }
    }

    /// Writes a segment in full — header block, then zeros — so that later
    /// frame writes overwrite blocks already allocated and written (fdatasync
    /// then commits no file-system metadata), then publishes it by rename.
    func createSegment(_ sequence: UInt64) throws(PersistenceError) {
        let path = segmentPath(sequence)
        if let injected = faults?.injected(.segmentCreate) {
            throw .io(operation: "create segment", path: path, errno: injected)
        }
        let temporary = path + ".tmp"
        // Direct I/O and a sync every few MiB keep the zeros out of the page
        // cache and each file-system journal commit small: on ext4 a large
        // dirty file makes the log's own fdatasync wait (measured: 20 ms).
        let fd: Int32
        do {
            fd = try FileSystem.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | holdfast_open_direct_flag())
        } catch {
            fd = try FileSystem.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        }
        var header = segmentHeader
        header.sequence = sequence
        header.createdAtNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let chunk = 1 << 20
        let zeros = AlignedBuffer(capacity: chunk)
        zeros.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: chunk)
        header.encodedBlock().withUnsafeBytes { zeros.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        var status: Int32 = 0
        var offset = 0
        while status == 0 && offset < options.segmentBytes {
            let length = min(chunk, options.segmentBytes - offset)
            status = FileSystem.pwriteAll(fd, zeros.pointer, length, at: Int64(offset))
            if offset == 0 {
                // Only the first chunk carries the header.
                zeros.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: SegmentFormat.blockSize)
            }
            offset += length
            if status == 0 && offset % (8 << 20) == 0 { status = FileSystem.fdatasync(fd) }
        }
        if status == 0 { status = FileSystem.fdatasync(fd) }
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
