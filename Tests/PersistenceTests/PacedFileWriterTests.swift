import Foundation
import Glibc
import Testing

@testable import Persistence

/// Large files written beside the log come out byte for byte, whatever
/// their length, with direct I/O and without.
@Suite struct PacedFileWriterTests {
    /// A file's bytes: a pattern that differs at every offset within 251 bytes.
    private static func byte(at offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset % 251) }

    private func writeAndRead(length: Int, pacing: WritePacing, direct: Bool) throws -> [UInt8] {
        let directory = TemporaryDirectory("paced")
        let path = directory.sub("file")
        let fd: Int32
        let isDirect: Bool
        if direct {
            (fd, isDirect) = try PacedFileWriter.create(path)
        } else {
            (fd, isDirect) = (try FileSystem.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC), false)
        }
        var hurries = 0
        let status = PacedFileWriter(pacing: pacing, hurry: { hurries += 1; return true }).write(
            fd, length: length, direct: isDirect
        ) { buffer, offset, count in
            for index in 0..<count { buffer.storeBytes(of: Self.byte(at: offset + index), toByteOffset: index, as: UInt8.self) }
        }
        FileSystem.close(fd)
        #expect(status == 0)
        // With rests, one is considered after every sync but the last.
        let syncs = length == 0 ? 1 : (length + pacing.syncEveryBytes - 1) / pacing.syncEveryBytes
        #expect(hurries == (pacing.restRatio > 0 ? syncs - 1 : 0))
        return try FileSystem.readFile(path)
    }

    @Test("every length, direct and buffered, chunked and synced at several sizes", arguments: [
        0, 1, 127, 4_095, 4_096, 4_097, 12_288, 65_536 + 128, 3 * 65_536, 3 * 65_536 + 5,
    ])
    func lengths(length: Int) throws {
        let pacings = [
            WritePacing(chunkBytes: 4_096, syncEveryBytes: 4_096, restRatio: 0.01),
            WritePacing(chunkBytes: 16_384, syncEveryBytes: 65_536, restRatio: 0.01),
            WritePacing.full,
        ]
        for pacing in pacings {
            for direct in [true, false] {
                let bytes = try writeAndRead(length: length, pacing: pacing, direct: direct)
                #expect(bytes.count == length, "\(pacing), direct \(direct)")
                #expect(bytes.indices.allSatisfy { bytes[$0] == Self.byte(at: $0) }, "\(pacing), direct \(direct)")
            }
        }
    }

    @Test("a failed write is reported with its errno")
    func failure() throws {
        let directory = TemporaryDirectory("paced")
        let path = directory.sub("file")
        let fd = try FileSystem.open(path, flags: O_RDONLY | O_CREAT)
        let status = PacedFileWriter(pacing: .full).write(fd, length: 10, direct: false) { buffer, _, count in
            buffer.initializeMemory(as: UInt8.self, repeating: 1, count: count)
        }
        FileSystem.close(fd)
        #expect(status == EBADF)
    }
}
