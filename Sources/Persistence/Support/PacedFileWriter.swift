import CHoldfastSupport
import Foundation
import Glibc

/// How a large file (a snapshot, a new log segment) is written while a log
/// shares the disk.
///
/// The log's fdatasync flushes the disk's write cache: everything written to
/// the disk since the last flush, by anyone, goes with it. A snapshot written
/// in one go (hundreds of MiB of page cache, then one fdatasync) made the
/// log's syncs behind it take 100–370 ms on the project's machine. Written in
/// chunks, each made durable before the next and followed by a rest as long
/// as the chunk took, a log sync waits behind at most one chunk, and the disk
/// is free for the log at least half of the time.
public struct WritePacing: Sendable, Equatable {
    /// Bytes per write; a multiple of 4096 (direct I/O).
    public var chunkBytes: Int
    /// fdatasync after this many bytes (a multiple of `chunkBytes`).
    public var syncEveryBytes: Int
    /// Idle time after each sync, as a multiple of the time its bytes took
    /// to write and sync (0: none).
    public var restRatio: Double

    public init(chunkBytes: Int, syncEveryBytes: Int, restRatio: Double) {
        precondition(chunkBytes > 0 && chunkBytes % AlignedBuffer.alignment == 0, "chunks are whole 4 KiB blocks")
        precondition(syncEveryBytes >= chunkBytes && syncEveryBytes % chunkBytes == 0, "syncs fall on chunk boundaries")
        precondition(restRatio >= 0, "a rest is not negative")
        self.chunkBytes = chunkBytes
        self.syncEveryBytes = syncEveryBytes
        self.restRatio = restRatio
    }

    /// Beside a live log: 1 MiB, synced, then an equal rest.
    public static let besideLiveLog = WritePacing(chunkBytes: 1 << 20, syncEveryBytes: 1 << 20, restRatio: 1)
    /// Nothing else waits (offline restore, a segment the writer needs now):
    /// as fast as the disk goes, with a sync every 8 MiB so no file-system
    /// journal commit grows large.
    public static let full = WritePacing(chunkBytes: 1 << 20, syncEveryBytes: 8 << 20, restRatio: 0)
}

/// Writes a file of known length from a generator of its bytes, paced by
/// `WritePacing`, through direct I/O when the file was opened with it.
struct PacedFileWriter {
    let pacing: WritePacing
    /// Checked before each rest: once true, the rest of the file is written
    /// without rests (someone now waits for it).
    var hurry: () -> Bool = { false }

    /// Writes bytes `0..<length` of `fd`, asking `fill(buffer, offset, count)`
    /// to copy each chunk's bytes into an aligned buffer. With `direct`, the
    /// last chunk is padded with zeros to a whole block and the file then cut
    /// back to `length`. Ends with an fdatasync. Returns 0 or the errno.
    func write(
        _ fd: Int32, length: Int, direct: Bool,
        fill: (_ buffer: UnsafeMutableRawPointer, _ offset: Int, _ count: Int) -> Void
    ) -> Int32 {
        let buffer = AlignedBuffer(capacity: pacing.chunkBytes)
        var offset = 0
        var groupStart = DispatchTime.now().uptimeNanoseconds
        while offset < length {
            let count = min(pacing.chunkBytes, length - offset)
            fill(buffer.pointer, offset, count)
            var written = count
            if direct && count % AlignedBuffer.alignment != 0 {
                written = AlignedBuffer.roundUp(count)
                (buffer.pointer + count).initializeMemory(as: UInt8.self, repeating: 0, count: written - count)
            }
            let status = FileSystem.pwriteAll(fd, buffer.pointer, written, at: Int64(offset))
            if status != 0 { return status }
            offset += count
            guard offset % pacing.syncEveryBytes == 0 || offset == length else { continue }
            if written != count, ftruncate(fd, off_t(length)) != 0 { return errno }
            let synced = FileSystem.fdatasync(fd)
            if synced != 0 { return synced }
            if offset < length { rest(since: groupStart) }
            groupStart = DispatchTime.now().uptimeNanoseconds
        }
        return length == 0 ? FileSystem.fdatasync(fd) : 0
    }

    private func rest(since start: UInt64) {
        guard pacing.restRatio > 0, !hurry() else { return }
        let busy = DispatchTime.now().uptimeNanoseconds - start
        let idle = UInt64(Double(busy) * pacing.restRatio)
        // A rest is at most a second: a disk that stalls must not leave the file unwritten for long.
        var pause = timespec(tv_sec: 0, tv_nsec: Int(min(idle, 999_999_999)))
        var remaining = timespec()
        while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
    }

    /// Opens `path` for a paced write, with direct I/O where the file system
    /// allows it; returns the descriptor and whether it is direct.
    static func create(_ path: String) throws(PersistenceError) -> (fd: Int32, direct: Bool) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        if let fd = try? FileSystem.open(path, flags: flags | holdfast_open_direct_flag()) { return (fd, true) }
        return (try FileSystem.open(path, flags: flags), false)
    }
}
