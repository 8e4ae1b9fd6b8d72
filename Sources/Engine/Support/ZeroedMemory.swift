#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero-filled memory that costs nothing until it is touched: large blocks are
/// anonymous mappings, whose pages the kernel commits (already zeroed) on the
/// first write, so a table sized for its limit up front occupies only the
/// pages it uses. Small blocks come from `calloc`.
enum ZeroedMemory {
    /// From this size on, blocks are mapped (glibc's `calloc` may clear a
    /// block from its heap byte by byte below 32 MiB).
    static let mappingThresholdBytes = 1 << 20

    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        precondition(byteCount > 0)
        if byteCount < mappingThresholdBytes {
            guard let pointer = calloc(byteCount, 1) else { fatalError("out of memory: calloc of \(byteCount) bytes") }
            return pointer
        }
        let pointer = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let pointer, pointer != MAP_FAILED else { fatalError("out of memory: mmap of \(byteCount) bytes") }
        return pointer
    }

    /// Returns a block from `allocate(byteCount:)` with the same `byteCount`.
    /// A mapped block is unmapped by `PageCommitter`'s thread: unmapping
    /// committed pages takes time (and TLB shootdowns) the writer should not spend.
    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount < mappingThresholdBytes {
            free(pointer)
        } else {
            PageCommitter.shared.unmap(pointer, byteCount: byteCount)
        }
    }
}
