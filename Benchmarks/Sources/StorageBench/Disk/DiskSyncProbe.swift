import Foundation
import Glibc
import Synchronization

/// The disk's own cost of a durable small write, for comparison with the
/// journal's: a file written in full once (so no block is unwritten and
/// fdatasync commits no file-system metadata), then 4 KiB overwrites at
/// successive offsets, each followed by fdatasync.
enum DiskSyncProbe {
    static let writeBytes = 4_096
    static let fileBytes = 64 << 20
    /// O_DIRECT, which Swift's Glibc module does not export (it needs _GNU_SOURCE).
    #if arch(x86_64)
        static let directFlag: Int32 = 0o40000
    #else
        static let directFlag: Int32 = 0o200000
    #endif

    /// Latencies of `writes` pwrite + fdatasync pairs, in ns.
    /// - Parameters:
    ///   - direct: open with O_DIRECT (as the journal does) instead of buffered.
    ///   - spinningThreads: threads kept busy meanwhile, to see the cost of
    ///     waking the writing thread on a loaded machine.
    static func measure(path: String, writes: Int, direct: Bool, spinningThreads: Int = 0) throws(BenchFailure)
        -> [Int64]
    {
        let buffer = try alignedBuffer(bytes: 1 << 20)
        defer { free(buffer) }
        memset(buffer, 0x5A, 1 << 20)
        try prepare(path: path, buffer: buffer)
        defer { unlink(path) }

        let fd = open(path, O_RDWR | (direct ? directFlag : 0))
        guard fd >= 0 else { throw BenchFailure("open \(path): errno \(errno)") }
        defer { close(fd) }
        let spinners = Spinners(count: spinningThreads)
        defer { spinners.stop() }
        var latencies: [Int64] = []
        latencies.reserveCapacity(writes)
        for index in 0..<writes {
            let offset = off_t((index * writeBytes) % fileBytes)
            let started = Stopwatch.nanoseconds()
            guard pwrite(fd, buffer, writeBytes, offset) == writeBytes, fdatasync(fd) == 0 else {
                throw BenchFailure("write + fdatasync on \(path): errno \(errno)")
            }
            latencies.append(Stopwatch.nanoseconds() - started)
        }
        return latencies
    }

    /// Creates the file and writes every block of it once, durably.
    private static func prepare(path: String, buffer: UnsafeMutableRawPointer) throws(BenchFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw BenchFailure("create \(path): errno \(errno)") }
        defer { close(fd) }
        for offset in stride(from: 0, to: fileBytes, by: 1 << 20) {
            guard pwrite(fd, buffer, 1 << 20, off_t(offset)) == 1 << 20 else {
                throw BenchFailure("prefill \(path): errno \(errno)")
            }
        }
        guard fdatasync(fd) == 0 else { throw BenchFailure("fdatasync \(path): errno \(errno)") }
    }

    private static func alignedBuffer(bytes: Int) throws(BenchFailure) -> UnsafeMutableRawPointer {
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, 4_096, bytes) == 0, let pointer else { throw BenchFailure("posix_memalign") }
        return pointer
    }
}

/// Threads that spin until stopped.
private final class Spinners: Sendable {
    private let running = Atomic<Bool>(true)
    private let stopped = DispatchGroup()

    init(count: Int) {
        for _ in 0..<count {
            stopped.enter()
            Thread.detachNewThread { [self] in
                while running.load(ordering: .relaxed) {}
                stopped.leave()
            }
        }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        stopped.wait()
    }
}
