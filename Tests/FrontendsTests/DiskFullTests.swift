import Engine
import Foundation
import Glibc
import Persistence
import Testing

/// A real full disk: `holdfast serve` on a small loop-mounted ext4 file
/// system whose space runs out when the log needs its next segment.
/// Needs permission to mount (root here); elsewhere it prints why it skipped.
@Suite("holdfast serve on a full disk", .serialized)
struct DiskFullTests {
    @Test("ENOSPC halts writes with one error line (errno, file), reads go on, one info line when space returns")
    func diskFull() async throws {
        guard let mount = LoopMount(sizeMegabytes: 96) else { return }
        defer { mount.remove() }
        let data = mount.path + "/data"
        // A first segment of 72 KiB: it fills after a few writes; serve makes
        // the next one at its own size, 64 MiB, which will not fit.
        var options = DurableNode.Options()
        options.journal = JournalOptions(segmentBytes: 72 << 10, frameBytesMax: 64 << 10)
        try DurableNode(path: data, shardCount: 1, options: options).shutdown()
        let filler = try mount.fill(leavingMegabytes: 8)

        let server = try ServeProcess(["--data-dir", data, "--insecure-disable-auth"])
        defer { server.stop() }
        let (port, restPort) = try await server.readyPorts()
        let wire = ["--server", "127.0.0.1:\(port)"]
        var refused: (status: Int32, output: String, errors: String)?
        for index in 0..<100 where refused == nil {
            let outcome = try await AuthCommandTests.run(
                ["stock", "set", "sku-\(index)", "--on-hand", "1", "--store", "eu"] + wire)
            if outcome.status != 0 { refused = outcome }
        }
        let failure = try #require(refused, "the log ran out of room")
        #expect(failure.errors.contains("No space left on device"), "\(failure.errors)")

        let halted = try await server.waitForLine(containing: "JOURNAL_WRITES_HALTED")
        #expect(halted.contains("\"level\":\"error\"") && halted.contains("\"errno\":28"))
        #expect(halted.contains("\"errno_name\":\"ENOSPC\"") && halted.contains("(ENOSPC, errno 28)"))
        #expect(halted.contains("\"path\":\"\(data)/shard-000/wal-000000000002.log\""), "\(halted)")
        let read = try await AuthCommandTests.run(["stock", "get", "sku-0", "--store", "eu"] + wire)
        #expect(read.status == 0, "reads are served while writes are halted: \(read.errors)")

        // Several retries fail (the metric counts each); still only one line.
        try Self.waitForFailures(atLeast: 3, restPort: restPort)
        #expect(Self.lines(of: server, containing: "JOURNAL_WRITES_HALTED") == 1)

        try FileManager.default.removeItem(atPath: filler)
        let resumed = try await server.waitForLine(containing: "JOURNAL_WRITES_RESUMED")
        #expect(resumed.contains("\"level\":\"info\"") && resumed.contains("\"shard\":0"), "\(resumed)")
        let after = try await AuthCommandTests.run(["stock", "set", "after", "--on-hand", "1", "--store", "eu"] + wire)
        #expect(after.status == 0, "writes resume by themselves: \(after.errors)")
        #expect(Self.lines(of: server, containing: "JOURNAL_WRITES_HALTED") == 1)
        #expect(Self.lines(of: server, containing: "JOURNAL_WRITES_RESUMED") == 1)
        server.stop()
        #expect(try Operations.verify(data).allSatisfy { $0.cut == nil })
    }

    static func lines(of server: ServeProcess, containing text: String) -> Int {
        server.errors.split(separator: "\n").filter { $0.contains(text) }.count
    }

    static func waitForFailures(atLeast count: Int, restPort: Int) throws {
        for _ in 0..<600 {
            let metrics = try Self.curl("http://127.0.0.1:\(restPort)/metrics")
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("holdfast_journal_failures_total{") }
            if let value = line?.split(separator: " ").last.flatMap({ Double($0) }), value >= Double(count) { return }
            usleep(50_000)
        }
        throw CrashTestFailure("the journal did not retry \(count) times")
    }

    static func curl(_ url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sf", url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A small ext4 file system in an image file, loop-mounted for one test.
final class LoopMount: Sendable {
    let image: String
    let path: String

    /// Nil (after printing why) where mounting is not permitted.
    init?(sizeMegabytes: Int) {
        let base = NSTemporaryDirectory() + "holdfast-diskfull-\(UUID().uuidString.prefix(8))"
        image = base + ".img"
        path = base
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let made = LoopMount.shell("truncate -s \(sizeMegabytes)M '\(image)' && mkfs.ext4 -q '\(image)' && mount -o loop '\(image)' '\(path)'")
        guard made.status == 0 else {
            print("DiskFullTests skipped: cannot make and mount a loop ext4 file system here (\(made.output.trimmingCharacters(in: .whitespacesAndNewlines)))")
            _ = LoopMount.shell("rm -rf '\(path)' '\(image)'")
            return nil
        }
    }

    /// A file taking all the space but `leavingMegabytes`; returns its path.
    func fill(leavingMegabytes: Int) throws -> String {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw CrashTestFailure("statvfs \(path): errno \(errno)") }
        let available = Int64(info.f_bavail) * Int64(info.f_frsize)
        let filler = path + "/filler"
        let descriptor = open(filler, O_WRONLY | O_CREAT, 0o644)
        defer { close(descriptor) }
        let size = available - Int64(leavingMegabytes) << 20
        guard descriptor >= 0, size > 0, posix_fallocate(descriptor, 0, off_t(size)) == 0 else {
            throw CrashTestFailure("cannot fill \(path) (\(available) bytes free)")
        }
        return filler
    }

    func remove() {
        _ = LoopMount.shell("umount '\(path)' && rm -rf '\(path)' '\(image)'")
    }

    static func shell(_ command: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>&1"]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
