import CHoldfastSupport
import Foundation
import Glibc

/// How a large file (a snapshot, a new log segment) is written while a log
/// shares the disk.
///
/// The log's fdatasync flushes the disk's write cache, and with it whatever
/// anyone wrote since the last flush. A snapshot written in one go (all of it
/// into the page cache, then one fdatasync) made log-style syncs behind it
/// take 50–370 ms in a disk probe on the project's machine (a virtual disk whose host caches
/// writes). Written with direct I/O at a capped rate, a log sync carries at
/// most the few KiB written since the one before, and stays near the disk's
/// own latency (docs/BENCHMARKS.md).
public struct WritePacing: Sendable, Equatable {
    /// Bytes per write; a multiple of 4096 (direct I/O).
    public var chunkBytes: Int
    /// fdatasync after this many bytes (a multiple of `chunkBytes`): keeps
    /// each file-system journal commit small.
    public var syncEveryBytes: Int
    /// At most this many bytes per second (0: no limit).
    public var bytesPerSecond: Int

    public init(chunkBytes: Int, syncEveryBytes: Int, bytesPerSecond: Int) {
        precondition(chunkBytes > 0 && chunkBytes % AlignedBuffer.alignment == 0, "chunks are whole 4 KiB blocks")
        precondition(syncEveryBytes >= chunkBytes && syncEveryBytes % chunkBytes == 0, "syncs fall on chunk boundaries")
        precondition(bytesPerSecond >= 0, "a rate is not negative")
        self.chunkBytes = chunkBytes
        self.syncEveryBytes = syncEveryBytes
        self.bytesPerSecond = bytesPerSecond
    }

    /// Beside a live log: 1 MiB writes, a sync every 8 MiB, at most `bytesPerSecond`.
    public static func besideLiveLog(bytesPerSecond: Int) -> WritePacing {
        WritePacing(chunkBytes: 1 << 20, syncEveryBytes: 8 << 20, bytesPerSecond: bytesPerSecond)
    }

    /// Nothing else waits (offline restore, a segment the writer needs now):
    /// as fast as the disk goes.
    public static let full = besideLiveLog(bytesPerSecond: 0)
}

/// Writes a file of known length from a generator of its bytes, paced by
/// `WritePacing`, through direct I/O when the file was opened with it.
struct PacedFileWriter {
    let pacing: WritePacing
    /// Asked after each chunk of a rate-limited write: once true, the rest of
    /// the file is written as fast as the disk goes (someone now waits for it).
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
        let start = DispatchTime.now().uptimeNanoseconds
        var offset = 0
        var hurrying = false
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
            if written != count, ftruncate(fd, off_t(length)) != 0 { return errno }
            if offset % pacing.syncEveryBytes == 0 || offset == length {
                let synced = FileSystem.fdatasync(fd)
                if synced != 0 { return synced }
            }
            guard pacing.bytesPerSecond > 0, offset < length, !hurrying else { continue }
            hurrying = hurry()
            if !hurrying { waitUntil(start + UInt64(Double(offset) / Double(pacing.bytesPerSecond) * 1e9)) }
        }
        return length == 0 ? FileSystem.fdatasync(fd) : 0
    }

    /// Sleeps until `due` (monotonic ns), at most a second at a time.
    private func waitUntil(_ due: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard due > now else { return }
        var pause = timespec(tv_sec: 0, tv_nsec: Int(min(due - now, 999_999_999)))
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
