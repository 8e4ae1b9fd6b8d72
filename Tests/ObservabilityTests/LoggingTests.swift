import Foundation
import Glibc
import Logging
import Synchronization
import Testing

@testable import Observability

/// Collects the lines a handler writes.
final class CapturedLines: Sendable {
    private let lines = Mutex<[[UInt8]]>([])
    var sink: LogSink { LogSink { [self] line in lines.withLock { $0.append(line) } } }
    var all: [[UInt8]] { lines.withLock { $0 } }

    /// Each line parsed as one JSON object (it must end with exactly one newline).
    func objects() throws -> [[String: Any]] {
        try all.map { line in
            #expect(line.last == 0x0A && !line.dropLast().contains(0x0A), "one line per event")
            let object = try JSONSerialization.jsonObject(with: Data(line.dropLast()))
            return try #require(object as? [String: Any])
        }
    }
}

@Suite struct LoggingTests {
    /// 2026-11-21T10:16:34.123Z
    static let fixedClock: @Sendable () -> timespec = { timespec(tv_sec: 1_795_256_194, tv_nsec: 123_456_789) }

    func logger(_ captured: CapturedLines, level: Logger.Level = .info) -> Logger {
        Logger(label: "holdfast.test") { label in
            JSONLogHandler(label: label, sink: captured.sink, level: level, clock: LoggingTests.fixedClock)
        }
    }

    @Test func lineHasFixedFieldsThenMetadata() throws {
        let captured = CapturedLines()
        var log = logger(captured)
        log[metadataKey: "request_id"] = "0123456789abcdef"
        log.info(
            "request done",
            metadata: [
                "method": "GET", "path": "/api/v1/stores/s1/orders", "status": .stringConvertible(200),
                "duration_ms": .stringConvertible(1.25), "cached": .stringConvertible(false),
                "tags": .array(["a", "b"]), "msg": "collides",
            ])
        log.debug("below the level: not written")
        let objects = try captured.objects()
        #expect(objects.count == 1)
        let line = try #require(objects.first)
        #expect(line["ts"] as? String == "2026-11-21T10:16:34.123Z")
        #expect(line["level"] as? String == "info")
        #expect(line["label"] as? String == "holdfast.test")
        #expect(line["msg"] as? String == "request done")
        #expect(line["meta_msg"] as? String == "collides")
        #expect(line["request_id"] as? String == "0123456789abcdef")
        #expect(line["status"] as? Int == 200)
        #expect(line["duration_ms"] as? Double == 1.25)
        #expect(line["cached"] as? Bool == false)
        #expect(line["tags"] as? [String] == ["a", "b"])
        let text = String(decoding: captured.all[0], as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"ts":"2026-11-21T10:16:34.123Z","level":"info","label":"holdfast.test","msg":"request done","#))
    }

    @Test func stringsAreEscapedAndUnicodePassesThrough() throws {
        let captured = CapturedLines()
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} nul \u{00} del \u{7F} é 🚀 \u{2028}"
        logger(captured).warning("\(tricky)", metadata: ["value": "\(tricky)"])
        let line = try #require(try captured.objects().first)
        #expect(line["msg"] as? String == tricky)
        #expect(line["value"] as? String == tricky)
        let text = String(decoding: captured.all[0], as: UTF8.self)
        #expect(text.contains("é 🚀"), "non-ASCII is written as UTF-8, not \\u escapes")
        #expect(text.contains(#"\u0007"#) && text.contains(#"\u0000"#) && text.contains(#"\n"#))
    }

    @Test func customerIDsAreMaskedAndSecretsDropped() throws {
        let captured = CapturedLines()
        logger(captured).error(
            "careless call site",
            metadata: [
                "customer_id": "cust-123456", "customerID": "abc", "Customer": "bob12",
                "token": "eyJhbGciOi.secret", "Authorization": "Bearer abc.def", "db_password": "hunter2",
                "client_secret": "s3", "access_token": "t",
                "nested": ["customer": "cust-987654", "password": "p", "ok": "1"],
            ])
        let line = try #require(try captured.objects().first)
        #expect(line["customer_id"] as? String == "cu…56")
        #expect(line["customerID"] as? String == "***")
        #expect(line["Customer"] as? String == "b…2")
        for dropped in ["token", "Authorization", "db_password", "client_secret", "access_token"] {
            #expect(line[dropped] == nil, "\(dropped) must not be logged")
        }
        let nested = try #require(line["nested"] as? [String: String])
        #expect(nested == ["customer": "cu…54", "ok": "1"])
        let text = String(decoding: captured.all[0], as: UTF8.self)
        for secret in ["cust-123456", "hunter2", "eyJhbGciOi", "Bearer", "987654"] { #expect(!text.contains(secret)) }
    }

    @Test func maskingRule() {
        #expect(LogMasking.customerID("") == "***")
        #expect(LogMasking.customerID("abcd") == "***")
        #expect(LogMasking.customerID("abcde") == "a…e")
        #expect(LogMasking.customerID("abcdefgh") == "a…h")
        #expect(LogMasking.customerID("abcdefghi") == "ab…hi")
        #expect(LogMasking.customerID("cust-123456") == "cu…56")
        #expect(LogMasking.customerID("ébcdéfghï") == "éb…hï")
    }

    @Test func keyTreatmentIgnoresCaseAndFindsFragments() {
        #expect(LogMasking.treatment(ofKey: "Customer_ID") == .mask)
        #expect(LogMasking.treatment(ofKey: "customerid") == .mask)
        #expect(LogMasking.treatment(ofKey: "customer_name") == .keep)
        #expect(LogMasking.treatment(ofKey: "X-Access-TOKEN") == .drop)
        #expect(LogMasking.treatment(ofKey: "db_password") == .drop)
        #expect(LogMasking.treatment(ofKey: "Authorization") == .drop)
        #expect(LogMasking.treatment(ofKey: "tok") == .keep)
        #expect(LogMasking.treatment(ofKey: "request_id") == .keep)
        #expect(LogMasking.treatment(ofKey: "") == .keep)
        // Non-ASCII keys take Unicode's case mapping: KELVIN SIGN lower-cases to "k".
        #expect(LogMasking.treatment(ofKey: "API_\u{212A}EY") == .drop)
        #expect(LogMasking.treatment(ofKey: "clé") == .keep)
    }

    @Test func errorAndHandlerMetadataAndProvider() throws {
        let captured = CapturedLines()
        struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }
        let provider = Logger.MetadataProvider { ["trace": "t-1", "event": "from-provider"] }
        var log = Logger(label: "x") { label in
            JSONLogHandler(
                label: label, sink: captured.sink, metadataProvider: provider, clock: LoggingTests.fixedClock)
        }
        log[metadataKey: "event"] = "from-handler"
        log.log(level: .critical, "stopping", error: Failure(), metadata: ["shard": "2"])
        let line = try #require(try captured.objects().first)
        #expect(line["error"] as? String == "disk full")
        #expect(line["trace"] as? String == "t-1")
        #expect(line["event"] as? String == "from-provider", "the provider overrides the handler's own metadata")
        #expect(line["shard"] as? String == "2")
        #expect(line["level"] as? String == "critical")
    }

    @Test func longValuesAreCutAtACharacterBoundary() throws {
        let captured = CapturedLines()
        let long = String(repeating: "é", count: JSONLineWriter.stringBytesMax)  // twice the byte limit
        logger(captured).info("long", metadata: ["body": "\(long)"])
        let line = try #require(try captured.objects().first)
        let body = try #require(line["body"] as? String)
        #expect(body.hasSuffix("…(truncated)"))
        #expect(body.utf8.count <= JSONLineWriter.stringBytesMax + "…(truncated)".utf8.count)
    }

    @Test func fileDescriptorSinkWritesWholeLines() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let sink = LogSink(fileDescriptor: fds[1])
        let log = Logger(label: "fd") { JSONLogHandler(label: $0, sink: sink, clock: LoggingTests.fixedClock) }
        DispatchQueue.concurrentPerform(iterations: 8) { index in log.info("line \(index)") }
        close(fds[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        close(fds[0])
        let lines = bytes.split(separator: 0x0A)
        #expect(lines.count == 8)
        let messages = try Set(
            lines.map { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }.compactMap {
                $0?["msg"] as? String
            })
        #expect(messages == Set((0..<8).map { "line \($0)" }))
        #expect(sink.droppedLines == 0)
    }

    @Test func levelNames() {
        #expect(StructuredLogging.level(named: "DEBUG") == .debug)
        #expect(StructuredLogging.level(named: "loud") == nil)
    }
}

@Suite struct RequestIDTests {
    @Test func generatedIDsAreSixteenHexDigitsAndUnique() {
        var seen: Set<String> = []
        for _ in 0..<10_000 {
            let id = RequestID.generate()
            #expect(id.utf8.count == 16 && id.allSatisfy(\.isHexDigit) && id == id.lowercased())
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func callerIDsAreValidated() {
        #expect(RequestID.isValid("abc-123_x.y:z"))
        #expect(RequestID.isValid(String(repeating: "a", count: 64)))
        #expect(!RequestID.isValid(String(repeating: "a", count: 65)))
        #expect(!RequestID.isValid(""))
        #expect(!RequestID.isValid("has space"))
        #expect(!RequestID.isValid("new\nline"))
        #expect(!RequestID.isValid("quote\""))
        #expect(!RequestID.isValid("é"))
        #expect(RequestID.accept("caller-1") == "caller-1")
        #expect(RequestID.accept("bad id").utf8.count == 16)
        #expect(RequestID.accept(nil).utf8.count == 16)
    }
}
