import Glibc

/// What a shard's journal tells its owner about write failures: one event
/// when an episode of failures begins (writes halt), one when writes resume.
/// The retries in between (every `retryIntervalMilliseconds`) report nothing.
/// `holdfast serve` turns them into log lines; the storage layer logs nothing itself.
public enum JournalEvent: Sendable, Equatable {
    /// The first failure of an episode: the shard refuses writes from now on.
    case writesHalted(JournalFailure)
    /// A retry succeeded: the shard accepts writes again.
    case writesResumed(shardIndex: Int, haltedSeconds: Double, failedAttempts: Int)
}

/// Receives journal events, on the journal's I/O thread: return quickly.
public typealias JournalEventHandler = @Sendable (JournalEvent) -> Void

/// One failed log operation: what, on which file, and the system's error.
public struct JournalFailure: Sendable, Equatable, CustomStringConvertible {
    public var shardIndex: Int
    /// The call that failed, as the storage layer names it: "write + fdatasync"
    /// (strict), "write" (relaxed), "fdatasync", "preallocate segment", "open", "fsync", ...
    public var operation: String
    public var path: String
    /// Where in the file, for a frame write.
    public var offset: Int64?
    public var errno: Int32

    public init(shardIndex: Int, operation: String, path: String, offset: Int64? = nil, errno: Int32) {
        self.shardIndex = shardIndex
        self.operation = operation
        self.path = path
        self.offset = offset
        self.errno = errno
    }

    /// The failure of a storage call that threw `error` (its operation and path when it names them).
    init(shardIndex: Int, error: PersistenceError, operation: String, path: String) {
        switch error {
        case .io(let failed, let failedPath, let code):
            self.init(shardIndex: shardIndex, operation: failed, path: failedPath, errno: code)
        default:
            self.init(shardIndex: shardIndex, operation: operation, path: path, errno: EIO)
        }
    }

    /// The errno's symbolic name, e.g. "ENOSPC".
    public var errnoName: String { ErrnoNames.name(of: errno) }

    /// The system's message for the errno, e.g. "No space left on device".
    public var errnoMessage: String { String(cString: strerror(errno)) }

    public var description: String {
        let place = offset.map { " at byte \($0)" } ?? ""
        return "log \(operation) of \(path)\(place) failed: \(errnoMessage) (\(errnoName), errno \(errno))"
    }
}

/// Symbolic names of the errno values storage calls return on Linux.
public enum ErrnoNames {
    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO", EBADF: "EBADF",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EBUSY: "EBUSY", EEXIST: "EEXIST",
        ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE",
        EMFILE: "EMFILE", EFBIG: "EFBIG", ENOSPC: "ENOSPC", ESPIPE: "ESPIPE", EROFS: "EROFS",
        ENAMETOOLONG: "ENAMETOOLONG", EOPNOTSUPP: "EOPNOTSUPP", ECANCELED: "ECANCELED", ESTALE: "ESTALE",
        EDQUOT: "EDQUOT", EUCLEAN: "EUCLEAN",
    ]

    /// "ENOSPC" for 28; "errno 123" for a value not in the table.
    public static func name(of errno: Int32) -> String { names[errno] ?? "errno \(errno)" }
}
