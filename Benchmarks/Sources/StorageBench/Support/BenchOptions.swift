/// What to measure and for how long, from the command line.
struct BenchOptions {
    enum Section: String, CaseIterable {
        /// `disk` (the disk's own 4 KiB write + fdatasync, alone) runs only when asked:
        /// the `log` section measures it too.
        case log, replay, snapshot, disk
    }

    var runs = 5
    /// Seconds of load per log-throughput run.
    var logSeconds = 5.0
    /// Commands in the log that replay reads (catalog stocking included).
    var replayCommands = 2_000_000
    /// Where the replayed log is kept: written there if absent, reused if
    /// present (so runs before and after a change replay the same records).
    /// Nil: written in the scratch directory and removed.
    var replayLog: String?
    /// The replay phases to time (`ReplayPhases.Phase` keys); nil: all.
    var replayPhases: [String]?
    var snapshotSKUs = 1_000_000
    /// Commands timed after each copy in the direct writer-stall measurement.
    var stallCommands = 10_000
    /// Log segment size of the log-throughput nodes (each new segment is
    /// written in full with zeros ahead of use, on the same disk).
    var segmentMiB = 64
    var sections: Set<Section> = [.log, .replay, .snapshot]
    var json = false
    /// Parent of the scratch directory; must be on the real disk, not tmpfs.
    var directory = "/tmp"

    private static let valueFlags: Set = [
        "--runs", "--seconds", "--replay-commands", "--snapshot-skus", "--stall-commands", "--segment-mib",
        "--directory", "--only", "--replay-log", "--replay-phases",
    ]

    static let usage = """
        usage: storage-bench [--runs N] [--seconds S] [--replay-commands N] [--snapshot-skus N]
                             [--stall-commands N] [--segment-mib N] [--only log,replay,snapshot]
                             [--directory PATH] [--replay-log PATH] [--replay-phases KEY,...] [--json]
        """

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--json" {
                json = true
                continue
            }
            guard Self.valueFlags.contains(flag) else { throw UsageError("unknown option \(flag)") }
            guard let value = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--runs": runs = try Self.positive(value, flag)
            case "--seconds": logSeconds = Double(try Self.positive(value, flag))
            case "--replay-commands": replayCommands = try Self.positive(value, flag)
            case "--snapshot-skus": snapshotSKUs = try Self.positive(value, flag)
            case "--stall-commands": stallCommands = try Self.positive(value, flag)
            case "--segment-mib": segmentMiB = try Self.positive(value, flag)
            case "--directory": directory = value
            case "--replay-log": replayLog = value
            case "--replay-phases": replayPhases = value.split(separator: ",").map(String.init)
            case "--only": sections = try Self.sections(value)
            default: throw UsageError("unknown option \(flag)")
            }
        }
    }

    private static func positive(_ value: String, _ flag: String) throws(UsageError) -> Int {
        guard let number = Int(value), number > 0 else { throw UsageError("\(flag) wants a positive integer") }
        return number
    }

    private static func sections(_ value: String) throws(UsageError) -> Set<Section> {
        var sections = Set<Section>()
        for name in value.split(separator: ",") {
            guard let section = Section(rawValue: String(name)) else { throw UsageError("no section \(name)") }
            sections.insert(section)
        }
        return sections
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A measurement that could not be taken as configured (a failed command, a wrong count).
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
