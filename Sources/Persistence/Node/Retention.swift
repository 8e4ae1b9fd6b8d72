import Foundation
import Glibc

/// Keeps the newest `keepSnapshots` snapshots whose header checks out, and
/// deletes older ones and the log segments whose every record is at or below
/// the oldest kept snapshot's LSN. A snapshot with a damaged header counts for
/// nothing and is left in place (evidence for the operator), so it never
/// causes a good one to be deleted.
enum Retention {
    static func apply(directory: String, keepSnapshots: Int, currentSegment: UInt64) throws(PersistenceError) {
        var kept: [SnapshotInfo] = []
        for path in try SnapshotFile.list(in: directory) {
            guard let info = try? SnapshotFile.readInfo(path) else { continue }
            if kept.count < keepSnapshots {
                kept.append(info)
            } else {
                try FileSystem.remove(path)
            }
        }
        guard let oldestLSN = kept.last?.lsn else { return }
        let segments = try FileSystem.list(directory).compactMap { name -> (UInt64, String)? in
            SegmentFormat.segmentSequence(fromName: name).map { ($0, FileSystem.join(directory, name)) }
        }.sorted { $0.0 < $1.0 }
        // Segment s may go if the next segment's first record is at or below
        // oldestLSN + 1 (so all of s is at or below oldestLSN) and s is not
        // being written.
        for (index, segment) in segments.enumerated() where segment.0 < currentSegment && index + 1 < segments.count {
            guard oldestLSN < .max, let nextFirst = firstLSN(ofSegment: segments[index + 1].1), nextFirst <= oldestLSN + 1 else { break }
            try FileSystem.remove(segment.1)
        }
        try FileSystem.syncDirectory(directory)
    }

    /// The first LSN in a segment (from its first frame header), nil if it has no frame.
    static func firstLSN(ofSegment path: String) -> UInt64? {
        guard let fd = try? FileSystem.open(path, flags: O_RDONLY) else { return nil }
        defer { FileSystem.close(fd) }
        var header = [UInt8](repeating: 0, count: SegmentFormat.frameHeaderBytes)
        let count = header.withUnsafeMutableBytes { raw in
            (try? FileSystem.preadAll(fd, raw.baseAddress!, raw.count, at: Int64(SegmentFormat.blockSize), path: path)) ?? 0
        }
        guard count == header.count, header.uint32(at: 0) == SegmentFormat.frameMagic else { return nil }
        return header.uint64(at: 24)
    }
}
