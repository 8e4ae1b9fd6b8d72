import Foundation
import Glibc
import Testing

@testable import Engine

/// `PageCommitter` commits mapped memory ahead of the writer without changing
/// it, and unmaps blocks given back.
@Suite struct PageCommitterTests {
    /// Pages of `[start, start + byteCount)` resident in memory (`mincore`).
    /// Pages wholly inside `[start, start + byteCount)` that are resident in memory (`mincore`).
    private func residentPages(_ start: UnsafeMutableRawPointer, _ byteCount: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + byteCount) / page * page
        guard end > first else { return 0 }
        var vector = [UInt8](repeating: 0, count: (end - first) / page)
        #expect(mincore(UnsafeMutableRawPointer(bitPattern: first), end - first, &vector) == 0)
        return vector.filter { $0 & 1 == 1 }.count
    }

    @Test("A committed block becomes resident, keeps its contents, and stays writable")
    func commitsWithoutChangingContents() throws {
        let byteCount = 8 << 20
        let block = ZeroedMemory.allocate(byteCount: byteCount)
        defer { ZeroedMemory.deallocate(block, byteCount: byteCount) }
        let bytes = block.bindMemory(to: UInt8.self, capacity: byteCount)
        bytes[0] = 42
        bytes[byteCount - 1] = 7
        let pages = byteCount / Int(sysconf(Int32(_SC_PAGESIZE)))
        #expect(residentPages(block, byteCount) < pages, "a fresh mapping is mostly not resident")
        PageCommitter.shared.commit(UnsafeRawPointer(block), byteCount: byteCount)
        var resident = 0
        for _ in 0..<6_000 {
            resident = residentPages(block, byteCount)
            if resident == pages { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(resident == pages, "every page is committed (MADV_POPULATE_WRITE, Linux 5.14+)")
        #expect(bytes[0] == 42 && bytes[byteCount - 1] == 7 && bytes[byteCount / 2] == 0)
        bytes[byteCount / 2] = 9
        #expect(bytes[byteCount / 2] == 9)
    }

    @Test("An array filled towards its reserved capacity asks for the pages ahead of it")
    func arrayCommitsAhead() throws {
        var array: [UInt64] = []
        let reserved = 4 << 20  // 32 MiB of elements
        array.reserveCapacity(reserved)
        let window = PageCommitter.windowBytes / MemoryLayout<UInt64>.stride
        var committed = 0
        for value in 0..<window { array.append(UInt64(value), reserving: reserved, committedThrough: &committed) }
        #expect(committed == 3 * window, "asked once, for three windows from the start")
        // The first append asked for the pages of the first three windows.
        let ahead = array.withUnsafeMutableBufferPointer { UnsafeMutableRawPointer($0.baseAddress!) }
            + window * MemoryLayout<UInt64>.stride
        var resident = 0
        // Whole pages in the two windows (their ends need not be page-aligned).
        let pages = 2 * PageCommitter.windowBytes / Int(sysconf(Int32(_SC_PAGESIZE))) - 1
        for _ in 0..<6_000 {
            resident = residentPages(ahead, 2 * PageCommitter.windowBytes)
            if resident >= pages { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(resident >= pages)
        #expect(array.count == window && array[window - 1] == UInt64(window - 1))
    }
}
