#if canImport(Glibc)
import Glibc
#endif

/// Why a storage operation failed. Every case names the file, and where it
/// matters the byte offset, so an operator can find the damage.
public enum PersistenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// Bytes on disk are not what was written: a checksum, hash-chain, sequence
    /// or structure check failed at `offset`.
    case corrupt(path: String, offset: Int64, reason: String)
    /// A file is not in a format this build reads (magic or version).
    case unsupportedFormat(path: String, reason: String)
    /// The data directory does not fit the process: shard count, limits, layout.
    case mismatch(reason: String)
    /// Another process holds the data directory.
    case locked(path: String)
    /// The log lacks records that are needed (a gap, or segments deleted by hand).
    case missingLog(reason: String)
    /// The operator asked for something impossible (bad path, LSN beyond the log...).
    case invalidRequest(reason: String)

    public var description: String {
        switch self {
        case .io(let operation, let path, let errno):
            "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case .corrupt(let path, let offset, let reason):
            "corrupt data in \(path) at byte \(offset): \(reason)"
        case .unsupportedFormat(let path, let reason):
            "unsupported file \(path): \(reason)"
        case .mismatch(let reason): "data directory mismatch: \(reason)"
        case .locked(let path): "data directory \(path) is in use by another process (lock held)"
        case .missingLog(let reason): "log incomplete: \(reason)"
        case .invalidRequest(let reason): reason
        }
    }
}
