import Engine
import Glibc

/// The writer's longest single command while the tables fill: `count` reserves
/// with distinct ids (1 unit of one of 1,000 SKUs each, none released or
/// expired) into a `StateMachine` with the standard limits. Each `apply` is
/// timed alone (building the command is not); a table that grows by
/// reallocating shows up as one slow command. Also reports the resident set.
enum GrowthStall {
    static func measure(reserves count: Int) {
        let residentAtStart = ResidentSet.bytes()
        let initStarted = monotonicNanoseconds()
        var machine = StateMachine(limits: .standard)
        let initNanoseconds = monotonicNanoseconds() - initStarted
        let residentAfterInit = ResidentSet.bytes()

        var timestamp: Int64 = 1_700_000_000_000_000_000
        let skuCount = 1_000
        for index in 0..<skuCount {
            timestamp += 1
            let stock = SetStock(store: "bench", sku: "sku\(index)", onHand: 1_000_000_000)
            precondition(machine.apply(.setStock(stock), at: timestamp).lsn != nil)
        }
        machine.events.removeAll(keepingCapacity: true)

        var slowest: [(nanoseconds: Int64, index: Int)] = []
        var over1Millisecond = 0
        var totalNanoseconds: Int64 = 0
        for index in 0..<count {
            let command = Command.reserve(
                Reserve(store: "bench", reservationID: "r\(index)", lines: [LineRequest(sku: "sku\(index % skuCount)", quantity: 1)]))
            timestamp += 1
            let started = monotonicNanoseconds()
            let applied = machine.apply(command, at: timestamp)
            let elapsed = monotonicNanoseconds() - started
            precondition(applied.lsn != nil, "reserve \(index) failed: \(applied.outcome)")
            machine.events.removeAll(keepingCapacity: true)
            totalNanoseconds += elapsed
            if elapsed > 1_000_000 { over1Millisecond += 1 }
            if slowest.count < 5 || elapsed > slowest[slowest.count - 1].nanoseconds {
                slowest.append((elapsed, index))
                slowest.sort { $0.nanoseconds > $1.nanoseconds }
                if slowest.count > 5 { slowest.removeLast() }
            }
        }
        let residentAtEnd = ResidentSet.bytes()
        let slowestText = slowest.map { "\(formatMilliseconds($0.nanoseconds)) ms (#\($0.index))" }
        print("engine-profile: stall: \(count) reserves, distinct ids, Limits.standard")
        print("  StateMachine(limits: .standard): \(formatMilliseconds(initNanoseconds)) ms, resident +\(mebibytes(residentAfterInit - residentAtStart)) MiB")
        print("  slowest applies: \(slowestText.joined(separator: ", "))")
        print("  applies over 1 ms: \(over1Millisecond); mean \(totalNanoseconds / Int64(max(count, 1))) ns")
        print("  resident: \(mebibytes(residentAtEnd)) MiB at the end (+\(mebibytes(residentAtEnd - residentAfterInit)) MiB over the reserves), peak \(mebibytes(ResidentSet.peakBytes())) MiB")
        withExtendedLifetime(machine) {}
    }

    private static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    private static func formatMilliseconds(_ nanoseconds: Int64) -> String {
        let hundredths = (nanoseconds + 5_000) / 10_000
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }

    private static func mebibytes(_ bytes: Int) -> Int { bytes / (1 << 20) }
}

/// The process's resident set, from /proc.
enum ResidentSet {
    /// Resident bytes now (VmRSS in /proc/self/status).
    static func bytes() -> Int {
        field(in: "/proc/self/status", named: "VmRSS:") * 1_024
    }

    /// The most resident bytes so far (VmHWM in /proc/self/status).
    static func peakBytes() -> Int {
        field(in: "/proc/self/status", named: "VmHWM:") * 1_024
    }

    /// A "Name:   123 kB" line's number.
    private static func field(in path: String, named name: String) -> Int {
        guard let file = fopen(path, "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(name) {
                let fields = text.dropFirst(name.count).split { $0 == " " || $0 == "\t" }
                return Int(fields.first ?? "") ?? 0
            }
        }
        return 0
    }
}
