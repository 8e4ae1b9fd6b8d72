import Glibc

/// Files beside the log and snapshots that a node needs to serve its clients
/// — its token secret, for one — carried by `backup` and `restore` from the
/// source data directory's top level into the target's. The storage layer
/// does not know what they hold; the caller names them.
///
/// Each is written owner-only (mode 0600: they are secrets) and atomically
/// (temporary file, fsync, rename, directory fsync), and before the target's
/// MANIFEST, so a target that looks like a data directory holds them all.
public enum CarriedFiles {
    /// Permission bits of a carried copy, whatever the source's.
    public static let mode: mode_t = 0o600

    /// Copies each name found in `source` to `target`; returns the names copied.
    /// A name missing from `source` is skipped; one that exists but cannot be
    /// read or written is an error, never a silent omission.
    static func copy(
        _ names: [String], from source: String, to target: String
    ) throws(PersistenceError) -> [String] {
        var copied: [String] = []
        for name in names {
            precondition(!name.isEmpty && !name.contains("/"), "a carried file is named, not a path")
            let from = FileSystem.join(source, name)
            guard FileSystem.exists(from) else { continue }
            guard FileSystem.isRegularFile(from) else {
                throw .invalidRequest(reason: "\(from) is not a regular file; refusing to carry it")
            }
            let bytes = try FileSystem.readFile(from)
            try FileSystem.writeAtomically(bytes, to: FileSystem.join(target, name), mode: mode)
            copied.append(name)
        }
        return copied
    }
}
