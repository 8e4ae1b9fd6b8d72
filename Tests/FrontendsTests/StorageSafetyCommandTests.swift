import Engine
import Foundation
import Persistence
import Testing

/// What an operator meets around a node's data directory, with the real
/// `holdfast` binary: backup and restore carry the token secret, a deleted
/// log segment stops the start, a shard count is fixed.
@Suite("holdfast backup/restore/serve on real data directories", .serialized)
struct StorageSafetyCommandTests {
    @Test("backup → restore → a token made before the backup works against a node on the restored directory")
    func tokensSurviveBackupAndRestore() async throws {
        let scratch = AuthCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let data = scratch + "/data"
        let server = try ServeProcess(["--data-dir", data])
        defer { server.stop() }
        let port = try await server.waitUntilReady()
        let token = try await AuthCommandTests.run([
            "token", "create", "--role", "admin", "--store", "*", "--subject", "ops", "--data-dir", data,
            "--ttl-seconds", "86400",
        ]).output.trimmingCharacters(in: .newlines)
        let set = try await AuthCommandTests.run(
            ["stock", "set", "A", "--on-hand", "5", "--store", "eu", "--token", token, "--server", "127.0.0.1:\(port)"])
        #expect(set.status == 0, "\(set.errors)")

        let backup = try await AuthCommandTests.run(["backup", "--data-dir", data, "--target", scratch + "/backup"])
        #expect(backup.status == 0, "\(backup.errors)")
        #expect(backup.output.contains("carried jwt-secret (mode 0600)"))
        server.stop()
        let restore = try await AuthCommandTests.run(["restore", "--data-dir", scratch + "/backup", "--target", scratch + "/restored"])
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(restore.output.contains("carried jwt-secret (mode 0600)"))

        let original = try String(contentsOfFile: data + "/jwt-secret", encoding: .utf8)
        for copy in [scratch + "/backup", scratch + "/restored"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: copy + "/jwt-secret")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(copy)")
            #expect(try String(contentsOfFile: copy + "/jwt-secret", encoding: .utf8) == original)
        }

        let restored = try ServeProcess(["--data-dir", scratch + "/restored"])
        defer { restored.stop() }
        let restoredPort = try await restored.waitUntilReady()
        #expect(restored.errors.contains("secret from \(scratch)/restored/jwt-secret"), "no new secret was made")
        let read = try await AuthCommandTests.run(
            ["stock", "get", "A", "--store", "eu", "--json", "--token", token, "--server", "127.0.0.1:\(restoredPort)"])
        #expect(read.status == 0, "the token made before the backup is accepted: \(read.errors)")
        #expect(read.output.contains("\"onHand\" : 5") || read.output.contains("\"onHand\":5"), "\(read.output)")
    }

    @Test("A deleted newest log segment: serve refuses to start naming the file, wal verify fails")
    func deletedNewestSegment() async throws {
        let scratch = AuthCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let data = scratch + "/data"
        try await Self.writeLog(data, segmentsAtLeast: 2)
        let newest = try #require(Self.segments(data + "/shard-000").last)
        try FileManager.default.removeItem(atPath: newest)

        let serve = try Self.runBounded(["serve", "--data-dir", data, "--port", "0", "--http-port", "0"])
        #expect(serve.status != 0 && !serve.timedOut)
        #expect(serve.errors.contains("log segment \(newest) is missing"), "\(serve.errors)")
        #expect(!serve.errors.contains("ready"))
        let verify = try Self.runBounded(["wal", "verify", "--data-dir", data])
        #expect(verify.status == 1 && verify.errors.contains(newest), "\(verify.errors)")
        #expect(!verify.output.contains("log verified"))
    }

    @Test("serve --shards 2 on a 1-shard data directory is refused, saying the count is fixed; without it, it starts")
    func shardCountFixed() async throws {
        let scratch = AuthCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let data = scratch + "/data"
        try await Self.writeLog(data, segmentsAtLeast: 1)

        let refused = try Self.runBounded(["serve", "--data-dir", data, "--shards", "2", "--port", "0", "--http-port", "0"])
        #expect(refused.status != 0 && !refused.timedOut)
        #expect(
            refused.errors.contains("--shards 2: the data directory \(data) has 1 shard")
                && refused.errors.contains("fixed when a data directory is created"), "\(refused.errors)")
        let same = try ServeProcess(["--data-dir", data])  // passes --shards 1: the directory's own count
        defer { same.stop() }
        _ = try await same.waitUntilReady()
    }

    // MARK: Helpers

    /// Writes stock settings into a 1-shard directory with small segments until
    /// at least `count` segments hold frames.
    static func writeLog(_ path: String, segmentsAtLeast count: Int) async throws {
        var options = DurableNode.Options()
        options.journal = JournalOptions(segmentBytes: 128 << 10, frameBytesMax: 64 << 10)
        let node = try DurableNode(path: path, shardCount: 1, options: options)
        defer { node.shutdown() }
        for batch in 0..<500 {
            let commands = (0..<50).map { Command.setStock(SetStock(store: "eu", sku: "sku-\(batch)-\($0)", onHand: 1)) }
            _ = await node.runtime.execute(batch: commands)
            if node.shardJournals[0].currentSegmentSequence >= UInt64(count) && batch >= 10 { return }
        }
        throw CrashTestFailure("the log did not reach \(count) segments")
    }

    static func segments(_ shardPath: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: shardPath)) ?? [])
            .filter { $0.hasPrefix("wal-") && $0.hasSuffix(".log") }.sorted().map { shardPath + "/" + $0 }
    }

    /// Runs `holdfast <arguments>` to its end, killing it after `seconds`.
    static func runBounded(_ arguments: [String], seconds: Double = 60) throws -> (
        status: Int32, output: String, errors: String, timedOut: Bool
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CrashTests.holdfastBinary())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "HOLDFAST_JWT_SECRET")
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: timer)
        nonisolated(unsafe) var errorData = Data()
        let reading = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        reading.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let timedOut = timer.isCancelled == false && process.terminationReason == .uncaughtSignal
        timer.cancel()
        while !reading.isFinished { usleep(1_000) }
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self), timedOut
        )
    }
}
