import CURing
import Glibc

/// How log frames reach the disk: one write, then (in strict mode) an
/// fdatasync, per call. Used only by the shard's writer thread, which blocks
/// in the call.
protocol LogDevice: AnyObject {
    /// Writes `length` bytes at `offset` and, if `sync`, makes them durable.
    /// Returns 0 or the errno of the first step that failed.
    func write(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool) -> Int32
    /// fdatasync alone (relaxed mode's periodic sync). 0 or the errno.
    func sync(fd: Int32) -> Int32
}

/// One finished step of a pipelined frame write.
struct LogCompletion {
    /// The tag the frame was submitted with.
    var tag: UInt64
    /// The fdatasync linked after the write, not the write itself.
    var isSync: Bool
    /// The write's byte count or the sync's 0; a negated errno on failure.
    var result: Int32
}

/// A device that also takes frame writes without waiting for them (io_uring):
/// the writer submits a frame's write and fdatasync and goes on applying the
/// next batch, and collects the completions between batches. The blocking
/// calls of `LogDevice` may be used only while nothing submitted is unreaped.
protocol PipelinedLogDevice: LogDevice {
    /// Whether `submit` has room for one more frame now.
    var hasRoom: Bool { get }
    /// Queues the write of `length` bytes at `offset` and, if `sync`, an
    /// fdatasync linked after it, both tagged `tag`, and hands them to the
    /// kernel. Returns 0, or the errno with nothing of the frame queued.
    func submit(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool, tag: UInt64) -> Int32
    /// Adds the steps that have finished to `completions`; with `waiting`,
    /// first waits until at least one has. Returns 0, or an errno when the
    /// device can no longer tell what finished (every unreaped step is then
    /// of unknown outcome, and the device refuses further work).
    func reap(waiting: Bool, into completions: inout [LogCompletion]) -> Int32
}

/// Which system calls carry the log's writes.
///
/// The writer thread waits for each frame's write and sync either way. With
/// io_uring the kernel runs the fdatasync on one of its worker threads and
/// wakes the writer when it completes — one more thread hand-off per frame than
/// pwrite + fdatasync, where the writer sleeps in the system call itself. Measured
/// on the project's machine (docs/BENCHMARKS.md), pwrite + fdatasync serves
/// more reservations at every load, so it is what `auto` picks.
public enum IOBackend: String, Sendable, CaseIterable {
    /// pwrite + fdatasync (the measured faster of the two).
    case automatic = "auto"
    /// io_uring (write and fdatasync as two linked submissions), or fail at start.
    case uring
    /// pwrite + fdatasync.
    case sync
}

/// io_uring: the write and the fdatasync go in as two linked submissions with
/// one system call. `write` waits for both completions; `submit` does not,
/// and `reap` collects them later (pipelined strict writes).
final class URingLogDevice: PipelinedLogDevice {
    private var ring = io_uring()
    private var broken = false
    /// Steps submitted with `submit` and not yet reaped.
    private var unreaped = 0

    /// Submission entries: room for `framesInFlightMax` frames of two steps.
    static let ringEntries: UInt32 = 64
    static let framesInFlightMax = Int(ringEntries / 2)
    /// Marks a pipelined step's `user_data`, which the blocking calls (whose
    /// `user_data` is a small index) never take for their own.
    private static let pipelinedBit: UInt64 = 1 << 63

    init() throws(PersistenceError) {
        let result = io_uring_queue_init(Self.ringEntries, &ring, 0)
        if result < 0 { throw .io(operation: "io_uring_queue_init", path: "(io_uring)", errno: -result) }
    }

    var hasRoom: Bool { !broken && io_uring_sq_space_left(&ring) >= 2 && unreaped + 2 <= Int(Self.ringEntries) }

    func submit(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool, tag: UInt64) -> Int32 {
        guard !broken else { return EIO }
        precondition(tag < Self.pipelinedBit >> 1, "tag out of range")
        let steps = sync ? 2 : 1
        guard hasRoom else { return EBUSY }
        let write = io_uring_get_sqe(&ring)!
        io_uring_prep_write(write, fd, buffer, UInt32(length), UInt64(offset))
        io_uring_sqe_set_data64(write, Self.pipelinedBit | tag << 1)
        if sync {
            write.pointee.flags |= UInt8(holdfast_IOSQE_IO_LINK)
            let fsync = io_uring_get_sqe(&ring)!
            io_uring_prep_fsync(fsync, fd, holdfast_IORING_FSYNC_DATASYNC)
            io_uring_sqe_set_data64(fsync, Self.pipelinedBit | tag << 1 | 1)
        }
        var submitted = 0
        while submitted < steps {
            let result = io_uring_submit(&ring)
            if result == -EINTR || result == -EAGAIN { continue }
            if result < 0 {
                // The kernel took part of the chain, or none: the ring no
                // longer knows which of its completions are owed.
                if submitted > 0 { broken = true }
                unreaped += submitted
                return -result
            }
            submitted += Int(result)
        }
        unreaped += steps
        return 0
    }

    func reap(waiting: Bool, into completions: inout [LogCompletion]) -> Int32 {
        guard !broken else { return EIO }
        var mustWait = waiting && unreaped > 0
        while unreaped > 0 {
            var completion: UnsafeMutablePointer<io_uring_cqe>?
            let status = mustWait ? io_uring_wait_cqe(&ring, &completion) : io_uring_peek_cqe(&ring, &completion)
            if status == -EAGAIN && !mustWait { return 0 }
            if status == -EINTR || status == -EAGAIN { continue }
            if status < 0 {
                broken = true
                return -status
            }
            let data = io_uring_cqe_get_data64(completion)
            let result = completion!.pointee.res
            io_uring_cqe_seen(&ring, completion)
            guard data & Self.pipelinedBit != 0 else {
                broken = true
                return EIO
            }
            unreaped -= 1
            completions.append(LogCompletion(tag: (data & ~Self.pipelinedBit) >> 1, isSync: data & 1 == 1, result: result))
            mustWait = false
        }
        return 0
    }

    deinit { io_uring_queue_exit(&ring) }

    func write(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool) -> Int32 {
        var done = 0
        // A short write (rare: device limits) is continued until everything is
        // written; the linked sync of a short write is cancelled by the kernel,
        // so the last round's sync is the one that counts.
        while done < length {
            var entries: [IOEntry] = [
                .write(buffer: buffer + done, length: length - done, offset: UInt64(offset) + UInt64(done))
            ]
            if sync { entries.append(.sync) }
            let results = submitAndReap(fd: fd, entries)
            guard case .success(let values) = results else {
                if case .failure(let error) = results { return error.code }
                return EIO
            }
            let written = values[0]
            if written < 0 { return -written }
            if written == 0 { return EIO }
            done += Int(written)
            if done == length {
                if sync && values[1] < 0 { return -values[1] }
                return 0
            }
        }
        return 0
    }

    func sync(fd: Int32) -> Int32 {
        switch submitAndReap(fd: fd, [.sync]) {
        case .success(let values): values[0] < 0 ? -values[0] : 0
        case .failure(let error): error.code
        }
    }

    private enum IOEntry {
        case write(buffer: UnsafeRawPointer, length: Int, offset: UInt64)
        case sync
    }

    private struct SubmissionError: Error {
        var code: Int32
    }

    /// Submits `entries` as one linked chain and waits for every one of their
    /// completions, matched by `user_data`, before returning their results in
    /// order. Nothing is left in the ring on any path: submissions that could
    /// not be queued are not submitted, and an interrupted wait is retried, so
    /// a later call never takes an earlier call's completions for its own.
    private func submitAndReap(fd: Int32, _ entries: [IOEntry]) -> Result<[Int32], SubmissionError> {
        // After a failed wait, completions may still be owed: the ring can no
        // longer be trusted to match them, so it refuses all further work.
        guard !broken else { return .failure(SubmissionError(code: EIO)) }
        precondition(unreaped == 0, "a blocking write while pipelined ones are unreaped")
        guard io_uring_sq_space_left(&ring) >= UInt32(entries.count) else { return .failure(SubmissionError(code: EBUSY)) }
        for (index, entry) in entries.enumerated() {
            let submission = io_uring_get_sqe(&ring)!
            switch entry {
            case .write(let buffer, let length, let offset):
                io_uring_prep_write(submission, fd, buffer, UInt32(length), offset)
            case .sync:
                io_uring_prep_fsync(submission, fd, holdfast_IORING_FSYNC_DATASYNC)
            }
            io_uring_sqe_set_data64(submission, UInt64(index))
            if index + 1 < entries.count { submission.pointee.flags |= UInt8(holdfast_IOSQE_IO_LINK) }
        }
        var submitted = 0
        while submitted < entries.count {
            let result = io_uring_submit(&ring)
            if result == -EINTR || result == -EAGAIN { continue }
            if result < 0 {
                // Nothing more went in; reap what did, then report.
                _ = reap(count: submitted)
                return .failure(SubmissionError(code: -result))
            }
            submitted += Int(result)
        }
        guard let values = reap(count: entries.count) else { return .failure(SubmissionError(code: EIO)) }
        return .success(values)
    }

    /// Waits for `count` completions, retrying interrupted waits; results by `user_data`.
    private func reap(count: Int) -> [Int32]? {
        var values = [Int32](repeating: 0, count: count)
        var reaped = 0
        var valid = true
        while reaped < count {
            var completion: UnsafeMutablePointer<io_uring_cqe>?
            let waited = io_uring_wait_cqe(&ring, &completion)
            if waited == -EINTR || waited == -EAGAIN { continue }
            if waited < 0 {
                broken = true
                return nil
            }
            let index = Int(io_uring_cqe_get_data64(completion))
            if index < count { values[index] = completion!.pointee.res } else { valid = false }
            io_uring_cqe_seen(&ring, completion)
            reaped += 1
        }
        if !valid { broken = true }
        return valid ? values : nil
    }
}

/// pwrite, then fdatasync, on the calling thread.
final class SyncLogDevice: LogDevice {
    func write(fd: Int32, buffer: UnsafeRawPointer, length: Int, offset: Int64, sync: Bool) -> Int32 {
        let status = FileSystem.pwriteAll(fd, buffer, length, at: offset)
        if status != 0 || !sync { return status }
        return FileSystem.fdatasync(fd)
    }

    func sync(fd: Int32) -> Int32 { FileSystem.fdatasync(fd) }
}

/// Makes the device for `backend` (see `IOBackend` for why `.automatic` is
/// pwrite + fdatasync).
func makeLogDevice(_ backend: IOBackend) throws(PersistenceError) -> (device: LogDevice, note: String?) {
    switch backend {
    case .sync, .automatic:
        return (SyncLogDevice(), nil)
    case .uring:
        return (try URingLogDevice(), nil)
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
