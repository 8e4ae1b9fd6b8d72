import CURing
import Glibc

/// How log frames reach the disk: one write, then (in strict mode) an
/// fdatasync, per call. Used only by its journal's I/O thread.
protocol LogDevice: AnyObject {
    /// Writes `length` bytes at `offset` and, if `sync`, makes them durable.
    /// Returns 0 or the errno of the first step that failed.
    func write(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool) -> Int32
    /// fdatasync alone (relaxed mode's periodic sync). 0 or the errno.
    func sync(fd: Int32) -> Int32
}

/// Which system calls carry the log's writes.
public enum IOBackend: String, Sendable, CaseIterable {
    /// io_uring if the kernel and sandbox allow it, else pwrite + fdatasync.
    case automatic = "auto"
    /// io_uring, or fail at start.
    case uring
    /// pwrite + fdatasync.
    case sync
}

/// io_uring: the write and the fdatasync go in as two linked submissions with
/// one system call, and the thread waits for both completions.
final class URingLogDevice: LogDevice {
    private var ring = io_uring()

    init() throws(PersistenceError) {
        let result = io_uring_queue_init(8, &ring, 0)
        if result < 0 { throw .io(operation: "io_uring_queue_init", path: "(io_uring)", errno: -result) }
    }

    deinit { io_uring_queue_exit(&ring) }

    func write(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool) -> Int32 {
        var done = 0
        // A short write (rare: signals, device limits) is continued with plain
        // submissions until everything is written, then synced.
        while done < length {
            guard let writeEntry = io_uring_get_sqe(&ring) else { return EBUSY }
            io_uring_prep_write(
                writeEntry, fd, buffer + done, UInt32(length - done), UInt64(offset) + UInt64(done))
            let linkSync = sync
            if linkSync {
                writeEntry.pointee.flags |= UInt8(holdfast_IOSQE_IO_LINK)
                guard let syncEntry = io_uring_get_sqe(&ring) else { return EBUSY }
                io_uring_prep_fsync(syncEntry, fd, holdfast_IORING_FSYNC_DATASYNC)
            }
            let expected: UInt32 = linkSync ? 2 : 1
            let submitted = io_uring_submit_and_wait(&ring, expected)
            if submitted < 0 { return -submitted }
            var written: Int32 = 0
            var syncResult: Int32 = 0
            for index in 0..<expected {
                var completion: UnsafeMutablePointer<io_uring_cqe>?
                let waited = io_uring_wait_cqe(&ring, &completion)
                if waited < 0 { return -waited }
                let result = completion!.pointee.res
                io_uring_cqe_seen(&ring, completion)
                if index == 0 { written = result } else { syncResult = result }
            }
            if written < 0 { return -written }
            if written == 0 { return EIO }
            done += Int(written)
            if done < length {
                // The linked sync ran after a short write or was cancelled;
                // either way the rest is written and synced on the next round.
                continue
            }
            if linkSync && syncResult < 0 { return -syncResult }
            return 0
        }
        return 0
    }

    func sync(fd: Int32) -> Int32 {
        guard let entry = io_uring_get_sqe(&ring) else { return EBUSY }
        io_uring_prep_fsync(entry, fd, holdfast_IORING_FSYNC_DATASYNC)
        let submitted = io_uring_submit_and_wait(&ring, 1)
        if submitted < 0 { return -submitted }
        var completion: UnsafeMutablePointer<io_uring_cqe>?
        let waited = io_uring_wait_cqe(&ring, &completion)
        if waited < 0 { return -waited }
        let result = completion!.pointee.res
        io_uring_cqe_seen(&ring, completion)
        return result < 0 ? -result : 0
    }
}

/// The fallback: pwrite, then fdatasync.
final class SyncLogDevice: LogDevice {
    func write(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool) -> Int32 {
        let status = FileSystem.pwriteAll(fd, buffer, length, at: offset)
        if status != 0 || !sync { return status }
        return FileSystem.fdatasync(fd)
    }

    func sync(fd: Int32) -> Int32 { FileSystem.fdatasync(fd) }
}

/// Makes the device for `backend`; with `.automatic`, io_uring when it can be
/// set up, else the fallback with the reason.
func makeLogDevice(_ backend: IOBackend) throws(PersistenceError) -> (device: LogDevice, note: String?) {
    switch backend {
    case .sync:
        return (SyncLogDevice(), nil)
    case .uring:
        return (try URingLogDevice(), nil)
    case .automatic:
        do {
            return (try URingLogDevice(), nil)
        } catch {
            return (SyncLogDevice(), "io_uring unavailable (\(error)); using pwrite + fdatasync")
        }
    }
}

/// Faults injected into a journal's file operations, for tests of disk-full
/// and I/O-error behaviour. Thread-safe; shared by every journal given it.
public final class StorageFaults: @unchecked Sendable {
    public enum Operation: Sendable { case frameWrite, segmentCreate }

    private let lock = NSLock()
    private var failing: [Operation: Int32] = [:]

    public init() {}

    /// Every later `operation` fails with `errno` until `clear`.
    public func fail(_ operation: Operation, errno: Int32) { lock.withLock { failing[operation] = errno } }

    public func clear() { lock.withLock { failing.removeAll() } }

    func injected(_ operation: Operation) -> Int32? { lock.withLock { failing[operation] } }
}

import Foundation
