import Foundation
import Synchronization

/// How far a shard's log reaches, recorded durably in `shard-NNN/LOG-EXTENT`:
/// the newest segment that may hold frames. Segment files are numbered
/// without gaps, so with this record a missing segment — the newest one
/// included, which nothing else would reveal — is noticed at start and by
/// `wal verify`.
///
/// Order of writes (docs/storage-format.md, "The log extent record"): a
/// segment file is created and its directory entry made durable first, then
/// the record is raised to cover it, and only then is a frame written into
/// it. A crash between two steps leaves a segment that exists but is not yet
/// recorded, or recorded but still empty: both start normally.
struct LogExtent: Codable, Equatable, Sendable {
    static let fileName = "LOG-EXTENT"
    static let formatName = "holdfast-log-extent"
    static let currentVersion = 1

    var format = LogExtent.formatName
    var version = LogExtent.currentVersion
    /// The newest segment that may hold frames; 0 while none may.
    var newestSegment: UInt64

    static func path(in directory: String) -> String { FileSystem.join(directory, fileName) }

    /// The record of the shard log in `directory`; nil if there is none.
    static func read(directory: String) throws(PersistenceError) -> LogExtent? {
        let path = path(in: directory)
        guard FileSystem.exists(path) else { return nil }
        let bytes = try FileSystem.readFile(path)
        let extent: LogExtent
        do {
            extent = try JSONDecoder().decode(LogExtent.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: path, offset: 0, reason: "log extent record is not valid JSON: \(error)")
        }
        guard extent.format == formatName else {
            throw .unsupportedFormat(path: path, reason: "format \"\(extent.format)\"")
        }
        guard extent.version == currentVersion else {
            throw .unsupportedFormat(path: path, reason: "log extent version \(extent.version); this build reads \(currentVersion)")
        }
        return extent
    }

    /// Replaces the record atomically and durably (temporary file, fsync, rename, directory fsync).
    static func write(newestSegment: UInt64, directory: String) throws(PersistenceError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(LogExtent(newestSegment: newestSegment))
        } catch {
            throw .invalidRequest(reason: "cannot encode the log extent record: \(error)")
        }
        try FileSystem.writeAtomically(Array(data) + [0x0A], to: path(in: directory))
    }

    /// The segments the record says exist past the newest one present; nil if none.
    func missingSegments(newestPresent: UInt64?) -> ClosedRange<UInt64>? {
        let first = (newestPresent ?? 0) + 1
        return newestSegment >= first ? first...newestSegment : nil
    }
}

/// The writer's side of `LogExtent`: raises the record before the first frame
/// goes into a newer segment. Called by the journal's I/O thread and by the
/// thread preparing segments ahead of need; the lock orders their writes.
final class LogExtentRecorder: Sendable {
    let directory: String
    private let recorded: Mutex<UInt64>

    init(directory: String) throws(PersistenceError) {
        self.directory = directory
        recorded = Mutex(try LogExtent.read(directory: directory)?.newestSegment ?? 0)
    }

    /// Makes the record cover `sequence` (a segment whose file exists durably);
    /// writes only when it does not yet: once per segment.
    func cover(_ sequence: UInt64) throws(PersistenceError) {
        precondition(sequence >= 1, "segments are numbered from 1")
        try recorded.withLock { (newest: inout UInt64) throws(PersistenceError) in
            guard sequence > newest else { return }
            try LogExtent.write(newestSegment: sequence, directory: directory)
            newest = sequence
        }
    }

    var newestSegment: UInt64 { recorded.withLock { $0 } }
}
