import CHoldfastSupport
import Foundation

/// Commits memory ahead of the writer, on a thread of its own.
///
/// Tables sized for their limits up front are only reserved address space:
/// the kernel commits (and zeroes) each page at its first write. Left to the
/// writer, that first write is a page fault in the middle of a batch, and a
/// first *read* of an untouched page maps the shared zero page, so the write
/// after it also copies the page and shoots down the other cores' TLB entries
/// (an inter-processor interrupt; slow in a virtual machine). Measured on a
/// 2-core VM at 234,000 reservations/s, such faults held the writer in runs
/// of 25–90 ms while the reservation index grew and the slot table filled.
///
/// So the tables ask for what they will touch next: `commit` queues a range,
/// and this thread commits it with `madvise(MADV_POPULATE_WRITE)`, which maps
/// writable pages without changing their contents (safe on memory the writer
/// is using). Blocks that a table gives back are unmapped here too, off the
/// writer (`unmap`). Where the kernel lacks the call, `commit` does nothing.
final class PageCommitter: @unchecked Sendable {
    static let shared = PageCommitter()

    /// How far ahead a growing array commits, and in what steps.
    static let windowBytes = 2 << 20

    private enum Job {
        case commit(UnsafeRawPointer, Int)
        case unmap(UnsafeMutableRawPointer, Int)
    }

    private let lock = Lock()
    private var jobs: [Job] = []
    private var threadStarted = false
    private var unsupported = false

    /// Commits `byteCount` bytes from `start`, soon, on the committer's thread.
    func commit(_ start: UnsafeRawPointer, byteCount: Int) {
        guard byteCount > 0 else { return }
        enqueue(.commit(start, byteCount))
    }

    /// Unmaps a block from `ZeroedMemory`'s mapping, soon, on the committer's thread.
    func unmap(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        enqueue(.unmap(start, byteCount))
    }

    private func enqueue(_ job: Job) {
        lock.withLock {
            if case .commit = job, unsupported { return }
            jobs.append(job)
            if jobs.count == 1 { lock.broadcast() }
            if !threadStarted {
                threadStarted = true
                let thread = Thread { [self] in run() }
                thread.name = "hf-pages"
                thread.start()
            }
        }
    }

    private func run() {
        nameCurrentThread("hf-pages")
        var taken: [Job] = []
        while true {
            lock.withLock {
                lock.wait { !jobs.isEmpty }
                swap(&jobs, &taken)
            }
            for job in taken {
                switch job {
                case .commit(let start, let byteCount):
                    if holdfast_populate_for_write(start, byteCount) == EINVAL {
                        lock.withLock { unsupported = true }
                    }
                case .unmap(let start, let byteCount):
                    let result = munmap(start, byteCount)
                    precondition(result == 0, "munmap failed")
                }
            }
            taken.removeAll(keepingCapacity: true)
        }
    }
}
