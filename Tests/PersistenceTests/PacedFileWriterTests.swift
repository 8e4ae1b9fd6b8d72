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
        // With a rate, asked after the first chunk (then written in a hurry); without, never.
        let chunks = (length + pacing.chunkBytes - 1) / pacing.chunkBytes
        #expect(hurries == (pacing.bytesPerSecond > 0 && chunks > 1 ? 1 : 0))
        return try FileSystem.readFile(path)
    }

    @Test("every length, direct and buffered, chunked and synced at several sizes", arguments: [
        0, 1, 127, 4_095, 4_096, 4_097, 12_288, 65_536 + 128, 3 * 65_536, 3 * 65_536 + 5,
    ])
    func lengths(length: Int) throws {
        let pacings = [
            WritePacing(chunkBytes: 4_096, syncEveryBytes: 4_096, bytesPerSecond: 1 << 30),
            WritePacing(chunkBytes: 16_384, syncEveryBytes: 65_536, bytesPerSecond: 1 << 30),
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

    @Test("a rate-limited write asks after each chunk whether to hurry, until told to")
    func hurry() throws {
        let directory = TemporaryDirectory("paced")
        let (fd, direct) = try PacedFileWriter.create(directory.sub("file"))
        var asked = 0
        let pacing = WritePacing(chunkBytes: 4_096, syncEveryBytes: 8_192, bytesPerSecond: 1 << 30)
        let status = PacedFileWriter(pacing: pacing, hurry: { asked += 1; return asked == 3 }).write(
            fd, length: 8 * 4_096, direct: direct
        ) { buffer, _, count in buffer.initializeMemory(as: UInt8.self, repeating: 7, count: count) }
        FileSystem.close(fd)
        #expect(status == 0 && asked == 3)
        #expect(try FileSystem.readFile(directory.sub("file")) == [UInt8](repeating: 7, count: 8 * 4_096))
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
