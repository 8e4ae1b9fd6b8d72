#if canImport(Glibc)
import Glibc
#endif

/// Thin, checked wrappers over the POSIX calls the storage layer needs. Each
/// failure becomes a `PersistenceError.io` naming the call and the path;
/// EINTR is retried.
enum FileSystem {
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(PersistenceError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .io(operation: "open", path: path, errno: errno) }
        }
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Writes all of `length` bytes at `offset`; returns 0 or the errno.
    static func pwriteAll(_ fd: Int32, _ buffer: UnsafeRawPointer, _ length: Int, at offset: Int64) -> Int32 {
        var done = 0
        while done < length {
            let written = Glibc.pwrite(fd, buffer + done, length - done, off_t(offset) + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            done += written
        }
        return 0
    }

    /// Reads up to `length` bytes at `offset`; returns how many (fewer only at end of file).
    static func preadAll(
        _ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ length: Int, at offset: Int64, path: String
    ) throws(PersistenceError) -> Int {
        var done = 0
        while done < length {
            let read = Glibc.pread(fd, buffer + done, length - done, off_t(offset) + off_t(done))
            if read < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if read == 0 { break }
            done += read
        }
        return done
    }

    static func fdatasync(_ fd: Int32) -> Int32 {
        while Glibc.fdatasync(fd) != 0 {
            if errno != EINTR { return errno }
        }
        return 0
    }

    static func fsync(_ fd: Int32, path: String) throws(PersistenceError) {
        while Glibc.fsync(fd) != 0 {
            if errno != EINTR { throw .io(operation: "fsync", path: path, errno: errno) }
        }
    }

    /// Makes a rename, create or unlink inside `directory` durable.
    static func syncDirectory(_ directory: String) throws(PersistenceError) {
        let fd = try open(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: directory)
    }

    static func rename(_ from: String, _ to: String) throws(PersistenceError) {
        if Glibc.rename(from, to) != 0 { throw .io(operation: "rename to \(to)", path: from, errno: errno) }
    }

    static func remove(_ path: String) throws(PersistenceError) {
        if Glibc.unlink(path) != 0 && errno != ENOENT { throw .io(operation: "unlink", path: path, errno: errno) }
    }

    static func makeDirectory(_ path: String) throws(PersistenceError) {
        if Glibc.mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .io(operation: "mkdir", path: path, errno: errno)
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = Glibc.stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = Glibc.stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func size(ofFile fd: Int32, path: String) throws(PersistenceError) -> Int64 {
        var info = Glibc.stat()
        if fstat(fd, &info) != 0 { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    /// Names in `directory` (without "." and ".."), sorted.
    static func list(_ directory: String) throws(PersistenceError) -> [String] {
        guard let handle = opendir(directory) else { throw .io(operation: "opendir", path: directory, errno: errno) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Reads a whole file into memory.
    static func readFile(_ path: String) throws(PersistenceError) -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY)
        defer { close(fd) }
        let size = Int(try self.size(ofFile: fd, path: path))
        var failure: PersistenceError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            do {
                count = try preadAll(fd, buffer.baseAddress!, size, at: 0, path: path)
            } catch let error as PersistenceError {
                failure = error
                count = 0
            } catch {
                failure = .io(operation: "read", path: path, errno: EIO)
                count = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Writes `bytes` to `path` durably and atomically: a temporary file with
    /// exactly `mode`, fsync, rename over `path`, fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(PersistenceError) {
        let temporary = path + ".tmp"
        // A temporary file left by a crash keeps its old mode under O_TRUNC: start afresh.
        try remove(temporary)
        let fd = try open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        var status = fchmod(fd, mode) == 0 ? 0 : errno
        if status == 0 { status = bytes.withUnsafeBytes { pwriteAll(fd, $0.baseAddress!, $0.count, at: 0) } }
        if status != 0 {
            close(fd)
            try? remove(temporary)
            throw .io(operation: "write", path: temporary, errno: status)
        }
        do {
            try fsync(fd, path: temporary)
        } catch {
            close(fd)
            try? remove(temporary)
            throw error
        }
        close(fd)
        try rename(temporary, path)
        try syncDirectory(directoryOf(path))
    }

    /// The permission bits of `path`, nil if it does not exist.
    static func permissions(of path: String) -> mode_t? {
        var info = Glibc.stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = Glibc.stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The directory holding `path` ("a/b/" → "a"; "b" → ".").
    static func directoryOf(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// Memory aligned for direct I/O (4096 bytes), owned by one thread at a time.
final class AlignedBuffer: @unchecked Sendable {
    static let alignment = 4096
    private(set) var pointer: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(capacity: Int) {
        let rounded = AlignedBuffer.roundUp(max(capacity, AlignedBuffer.alignment))
        var raw: UnsafeMutableRawPointer?
        precondition(posix_memalign(&raw, AlignedBuffer.alignment, rounded) == 0, "out of memory")
        pointer = raw!
        self.capacity = rounded
    }

    deinit { free(pointer) }

    /// Grows to at least `needed` bytes, keeping the first `keeping` bytes.
    func reserve(_ needed: Int, keeping: Int) {
        guard needed > capacity else { return }
        let rounded = AlignedBuffer.roundUp(max(needed, capacity * 2))
        var raw: UnsafeMutableRawPointer?
        precondition(posix_memalign(&raw, AlignedBuffer.alignment, rounded) == 0, "out of memory")
        raw!.copyMemory(from: pointer, byteCount: keeping)
        free(pointer)
        pointer = raw!
        capacity = rounded
    }

    static func roundUp(_ value: Int) -> Int { (value + alignment - 1) & ~(alignment - 1) }
}
