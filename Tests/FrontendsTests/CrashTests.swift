import Engine
import Foundation
import Persistence
import Testing

@testable import holdfast

/// The crash test with real processes: `holdfast crash-driver` drives a durable
/// node under load and is killed with SIGKILL at random moments, many times, on
/// the same data directory. Each restart must recover (the driver prints READY
/// only after recovery), and at the end every acknowledged operation must be
/// present, nothing unacknowledged half-applied, and the invariants must hold.
/// HOLDFAST_CRASH_KILLS sets the number of kills (default 16); HOLDFAST_SEED the seed.
@Suite(.serialized) struct CrashTests {
    static let clients = 4
    static let batch = 16
    static let idsPerRun = 10_000_000

    @Test("Every acknowledged write survives SIGKILL; nothing is half-applied; invariants hold")
    func killNineManyTimes() async throws {
        let kills = Int(ProcessInfo.processInfo.environment["HOLDFAST_CRASH_KILLS"] ?? "") ?? 16
        let seed = UInt64(ProcessInfo.processInfo.environment["HOLDFAST_SEED"] ?? "") ?? UInt64.random(in: 0..<1_000_000)
        var random = SplitMix64(seed: seed)
        let directory = NSTemporaryDirectory() + "holdfast-crash-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = try Self.holdfastBinary()

        var acknowledged = Set<Int>()
        var sent = Set<Int>()
        for run in 0..<kills {
            let delay = 0.1 + Double(random.next() % 600) / 1_000
            let output = try await Self.runAndKill(
                binary: binary, dataDirectory: directory, firstID: (run + 1) * Self.idsPerRun, afterReady: delay)
            guard output.ready else {
                Issue.record("run \(run) (seed \(seed)) did not recover; stderr: \(output.standardError)")
                return
            }
            acknowledged.formUnion(output.acknowledged)
            for last in output.sentBatchLastIDs {
                for step in 0..<Self.batch { sent.insert(last - step * Self.clients) }
            }
        }
        #expect(acknowledged.count > kills * 50, "the driver made progress (\(acknowledged.count) acknowledged, seed \(seed))")
        #expect(acknowledged.isSubset(of: sent))

        var options = DurableNode.Options()
        options.journal.segmentBytes = 256 << 10
        options.journal.frameBytesMax = 64 << 10
        let node = try await offPool { [options] in try DurableNode(path: directory, options: options) }
        defer { node.shutdown() }
        for shard in 0..<node.shardCount {
            let violations = await node.runtime.inspect(shard: shard) { $0.checkInvariants() } ?? ["gone"]
            #expect(violations.isEmpty, "shard \(shard): \(violations.prefix(3)) (seed \(seed))")
        }

        // Reservations: acknowledged ones exist, whole; unacknowledged ones are absent or whole.
        let reservationIDs = sent.filter { $0 % 2 == 0 }.sorted()
        var missing: [Int] = []
        var partial: [Int] = []
        for chunk in stride(from: 0, to: reservationIDs.count, by: 512) {
            let ids = Array(reservationIDs[chunk..<min(chunk + 512, reservationIDs.count)])
            let outcomes = await node.runtime.execute(
                batch: ids.map { .getReservation(ReservationReference(store: "store-\($0 % 4)", reservationID: "k-\($0)")) })
            for (id, outcome) in zip(ids, outcomes) {
                switch outcome {
                case .success(.reservation(let view)):
                    if view.allocations.count != (id % 3 == 0 ? 2 : 1) || view.status != .active { partial.append(id) }
                default:
                    if acknowledged.contains(id) { missing.append(id) }
                }
            }
        }
        #expect(missing.isEmpty, "acknowledged reservations lost: \(missing.prefix(10)) (seed \(seed))")
        #expect(partial.isEmpty, "reservations half-applied: \(partial.prefix(10)) (seed \(seed))")

        // The counter: each applied adjustment added one unit exactly once.
        let counter = await node.runtime.execute(
            .getStock(StockQuery(store: CrashDriverCommand.counterStore, sku: CrashDriverCommand.counterSKU)))
        guard case .success(.stock(let view)) = counter else { throw CrashTestFailure("counter missing: \(counter)") }
        let acknowledgedAdjustments = acknowledged.filter { $0 % 2 == 1 }.count
        let sentAdjustments = sent.filter { $0 % 2 == 1 }.count
        #expect(view.totals.onHand >= Int64(acknowledgedAdjustments), "acknowledged adjustments lost (seed \(seed))")
        #expect(view.totals.onHand <= Int64(sentAdjustments), "adjustments applied twice (seed \(seed))")
        let verified = try await offPool { try Operations.verify(directory) }
        #expect(verified.allSatisfy { $0.cut == nil })
    }

    // MARK: Process plumbing

    struct RunOutput {
        var ready = false
        var acknowledged: [Int] = []
        var sentBatchLastIDs: [Int] = []
        var standardError = ""
    }

    static func holdfastBinary() throws -> String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("holdfast").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw CrashTestFailure("holdfast binary not found next to \(testBinary.path); build with `swift build --build-tests`")
    }

    /// Starts the driver, waits for READY, lets it run `afterReady` seconds, kills it with SIGKILL.
    static func runAndKill(binary: String, dataDirectory: String, firstID: Int, afterReady: Double) async throws -> RunOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "crash-driver", "--data-dir", dataDirectory, "--first-id", String(firstID), "--clients", String(clients),
            "--batch", String(batch), "--seconds", "60",
        ]
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        let collector = OutputCollector(standardOutput.fileHandleForReading)
        try process.run()
        var waited = 0.0
        while !collector.text.contains("READY") && process.isRunning && waited < 60 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 0.01
        }
        var output = RunOutput()
        output.ready = collector.text.contains("READY")
        if output.ready { try await Task.sleep(for: .milliseconds(Int(afterReady * 1_000))) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = collector.finish()
        output.standardError = String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("ACK "), let id = Int(line.dropFirst(4)) { output.acknowledged.append(id) }
            if line.hasPrefix("SENT "), let id = Int(line.dropFirst(5)) { output.sentBatchLastIDs.append(id) }
        }
        return output
    }
}

struct CrashTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reads a pipe on its own thread until end of file, so the child never blocks on a full pipe.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { data.append(chunk) }
            }
            done.signal()
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    func finish() -> String {
        done.wait()
        return text
    }
}
