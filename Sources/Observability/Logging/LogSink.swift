import Glibc
import Synchronization

/// Where `JSONLogHandler` writes lines: a file descriptor (stderr by
/// default), each line with one `write` under a lock so lines never
/// interleave, or a closure (tests).
public final class LogSink: Sendable {
    private enum Target {
        case fileDescriptor(Int32)
        case closure(@Sendable ([UInt8]) -> Void)
    }

    private let target: Target
    private let writeLock = Mutex<Void>(())
    private let failedWrites = Atomic<UInt64>(0)

    /// Lines go to `fileDescriptor` (not closed by the sink).
    public init(fileDescriptor: Int32 = STDERR_FILENO) {
        target = .fileDescriptor(fileDescriptor)
    }

    /// Lines go to `write`, one call per line (with its trailing newline).
    public init(write: @escaping @Sendable ([UInt8]) -> Void) {
        target = .closure(write)
    }

    /// Lines that could not be written (a closed or full descriptor); logging never throws.
    public var droppedLines: UInt64 { failedWrites.load(ordering: .relaxed) }

    func write(_ line: [UInt8]) {
        switch target {
        case .closure(let write): write(line)
        case .fileDescriptor(let fd):
            let complete = writeLock.withLock { _ in Self.writeAll(fd, line) }
            if !complete { failedWrites.wrappingAdd(1, ordering: .relaxed) }
        }
    }

    /// One `write` for the line; more only if the kernel took part of it.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
