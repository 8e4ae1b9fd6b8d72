import Auth
import Foundation
import Synchronization
import Testing

/// `holdfast token create` and `holdfast serve`'s authentication options, run as real processes.
@Suite("holdfast token and serve authentication", .serialized)
struct AuthCommandTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "holdfast-auth-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs `holdfast <arguments>` to the end.
    /// Runs `holdfast` with `arguments` and waits for it on a thread of its
    /// own, so the test's task does not hold one of the cooperative pool's
    /// threads (two on this machine) while the child runs.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (
        status: Int32, output: String, errors: String
    ) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runWaiting(arguments, environment: environment) }) }.start()
        }
    }

    private static func runWaiting(_ arguments: [String], environment: [String: String]) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CrashTests.holdfastBinary())
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "HOLDFAST_TOKEN")
        merged.removeValue(forKey: "HOLDFAST_JWT_SECRET")
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        nonisolated(unsafe) var errorData = Data()
        let reading = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        reading.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reading.isFinished { usleep(1_000) }
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }

    @Test("token create prints only a token that verifies (HS256 file, env, RS256); bad input exits 64")
    func tokenCreate() async throws {
        let directory = Self.temporaryDirectory()
        let secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        let secretFile = directory + "/secret"
        try (secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        // The token's expiry is its creation time + 1 h, somewhere between
        // these two readings (a busy machine has taken over 2 minutes to run
        // the CLI, which outlived a token of 120 s).
        let beforeCreation = Int64(Date().timeIntervalSince1970)
        let created = try await Self.run([
            "token", "create", "--role", "inventory_manager", "--store", "eu", "--subject", "bob", "--secret-file",
            secretFile, "--ttl-seconds", "3600", "--issuer", "me", "--audience", "you",
        ])
        #expect(created.status == 0)
        #expect(created.output.hasSuffix("\n") && created.output.filter { $0 == "\n" }.count == 1)
        let token = created.output.trimmingCharacters(in: .newlines)
        let now = Int64(Date().timeIntervalSince1970)
        let verifier = TokenVerifier(keys: try TokenKeys(hmacSecret: Array(secret.utf8)), issuer: "me", audience: "you")
        let principal = try verifier.verify(token, now: now).get()
        #expect(principal.subject == "bob" && principal.role == .inventoryManager && principal.store == "eu")
        #expect(principal.expiresAt.map { (beforeCreation + 3_600 - 1)...(now + 3_600 + 1) ~= $0 } == true)
        #expect(!created.errors.contains(secret))

        let fromEnvironment = try await Self.run(
            ["token", "create", "--role", "admin", "--store", "*", "--subject", "ops"],
            environment: ["HOLDFAST_JWT_SECRET": secret])
        #expect(fromEnvironment.status == 0)
        #expect(
            try verifier.verify(fromEnvironment.output.trimmingCharacters(in: .newlines), now: now).isWrongIssuerOnly)

        let keys = try TokenIssuer.generateRSAKeyPair()
        let keyFile = directory + "/private.pem"
        try keys.privateKeyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let rsa = try await Self.run([
            "token", "create", "--role", "customer", "--store", "eu", "--subject", "c1", "--private-key-file", keyFile,
        ])
        #expect(rsa.status == 0)
        let rsaVerifier = TokenVerifier(keys: try TokenKeys(rsaPublicKeyPEM: keys.publicKeyPEM))
        #expect(
            rsaVerifier.verify(rsa.output.trimmingCharacters(in: .newlines), now: now).map(\.subject) == .success("c1"))

        let wildcardCustomer = try await Self.run(
            ["token", "create", "--role", "customer", "--store", "*", "--subject", "c1", "--secret-file", secretFile])
        #expect(wildcardCustomer.status == 64 && wildcardCustomer.errors.contains("admin role only"))
        #expect(wildcardCustomer.output.isEmpty)
        let badRole = try await Self.run([
            "token", "create", "--role", "root", "--store", "eu", "--subject", "x", "--secret-file", secretFile,
        ])
        #expect(badRole.status == 64 && badRole.errors.contains("--role must be one of"))
        let longTTL = try await Self.run([
            "token", "create", "--role", "admin", "--store", "eu", "--subject", "x", "--secret-file", secretFile,
            "--ttl-seconds", "2592001",
        ])
        #expect(longTTL.status == 64 && longTTL.errors.contains("30 days"))
        let noSecret = try await Self.run([
            "token", "create", "--role", "admin", "--store", "eu", "--subject", "x", "--data-dir", directory + "/none",
        ])
        #expect(noSecret.status == 64 && noSecret.errors.contains("jwt-secret does not exist"))
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test("serve without key options creates <data-dir>/jwt-secret (0600, never printed); tokens from it work")
    func serveCreatesSecret() async throws {
        let directory = Self.temporaryDirectory()
        let dataDirectory = directory + "/data"
        let server = try ServeProcess(["--data-dir", dataDirectory])
        defer { server.stop() }
        let port = try await server.waitUntilReady()
        let secretPath = dataDirectory + "/jwt-secret"
        let attributes = try FileManager.default.attributesOfItem(atPath: secretPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let secret = try String(contentsOfFile: secretPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(secret.count == 64 && secret.allSatisfy(\.isHexDigit))
        #expect(server.errors.contains("secret created in \(secretPath)"))
        #expect(!server.errors.contains(secret))

        let adminToken = try await Self.run([
            "token", "create", "--role", "admin", "--store", "*", "--subject", "ops", "--data-dir", dataDirectory,
        ]).output.trimmingCharacters(in: .newlines)
        let serverOption = ["--server", "127.0.0.1:\(port)"]
        #expect(try await Self.run(["stats", "--token", adminToken] + serverOption).status == 0)
        let anonymous = try await Self.run(["stats"] + serverOption)
        #expect(anonymous.status == 4 && anonymous.errors.contains("no bearer token"))

        let customerToken = try await Self.run([
            "token", "create", "--role", "customer", "--store", "eu", "--subject", "c1", "--data-dir", dataDirectory,
        ]).output.trimmingCharacters(in: .newlines)
        let denied = try await Self.run(
            ["stock", "set", "A", "--on-hand", "5", "--store", "eu", "--token", customerToken] + serverOption)
        #expect(denied.status == 6 && denied.errors.contains("ACCESS_DENIED (510)"))
        let line = try await server.waitForLine(containing: "\"status\":403")
        #expect(
            line.contains("\"status\":403") && line.contains("\"operation\":\"setStock\"")
                && line.contains("\"role\":\"customer\"") && line.contains("\"customer\":\"***\""),
            "a customer's id is masked in the log: \(line)")
        #expect(!line.contains(customerToken) && !line.contains(secret))
        let refusedLine = try await server.waitForLine(containing: "\"status\":401")
        #expect(refusedLine.contains("\"level\":\"warning\"") && refusedLine.contains("\"operation\":\"hello\""))

        // A second start reuses the secret.
        server.stop()
        let again = try ServeProcess(["--data-dir", dataDirectory])
        defer { again.stop() }
        _ = try await again.waitUntilReady()
        #expect(again.errors.contains("secret from \(secretPath)"))
        #expect(try String(contentsOfFile: secretPath, encoding: .utf8).trimmingCharacters(in: .newlines) == secret)
        again.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test("--insecure-disable-auth warns loudly and lets clients in without a token")
    func insecureFlag() async throws {
        let directory = Self.temporaryDirectory()
        let server = try ServeProcess(["--data-dir", directory + "/data", "--insecure-disable-auth"])
        defer { server.stop() }
        let port = try await server.waitUntilReady()
        let warning = try await server.waitForLine(containing: "AUTHENTICATION IS OFF")
        #expect(warning.hasPrefix("{") && warning.contains("\"level\":\"warning\""), "a JSON warning line: \(warning)")
        let lines = server.errors.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("{\"ts\":") && $0.hasSuffix("}") }, "standard error is JSON lines only")
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/jwt-secret"))
        #expect(try await Self.run(["stats", "--server", "127.0.0.1:\(port)"]).status == 0)
        server.stop()
        let mixed = try await Self.run([
            "serve", "--data-dir", directory + "/data", "--insecure-disable-auth", "--jwt-issuer", "x",
        ])
        #expect(mixed.status == 64 && mixed.errors.contains("cannot be combined"))
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension Result where Success == Principal, Failure == AuthFailure {
    /// Verified except that the verifier wanted an issuer the token lacks.
    var isWrongIssuerOnly: Bool { self == .failure(.wrongIssuer) }
}

/// `holdfast serve` on a free port in a child process; its standard error collected as it comes.
final class ServeProcess: @unchecked Sendable {
    private let process = Process()
    private final class Collected: Sendable {
        let text = Mutex<String>("")
    }

    private let collected = Collected()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: try CrashTests.holdfastBinary())
        process.arguments = ["serve", "--port", "0", "--http-port", "0", "--durability", "relaxed", "--shards", "1"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "HOLDFAST_JWT_SECRET")
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [collected] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            collected.text.withLock { $0 += text }
        }
        try process.run()
    }

    var errors: String { collected.text.withLock { $0 } }

    /// Waits for the ready line (a JSON line, "msg":"ready"); returns the wire port it carries.
    func waitUntilReady() async throws -> Int {
        try await readyPorts().wire
    }

    /// The wire and REST ports of the ready line, once it is printed.
    func readyPorts() async throws -> (wire: Int, http: Int) {
        let line = try await waitForLine(containing: "\"msg\":\"ready\"")
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let wire = object["wire_port"] as? Int, let http = object["http_port"] as? Int
        else { throw CrashTestFailure("no wire_port and http_port in '\(line)'") }
        return (wire, http)
    }

    /// How long a line may take: a debug build starting on a machine loaded by other
    /// builds has been seen to need more than 30 s. The bound only ends a failing test.
    static let lineTimeoutSeconds = 300.0

    /// The first line of standard error containing `text`, checked every 10 ms
    /// without holding a thread of the cooperative pool.
    func waitForLine(containing text: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(Self.lineTimeoutSeconds)
        while ContinuousClock.now < deadline {
            if let line = errors.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        if let line = errors.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
        throw CrashTestFailure("serve never printed '\(text)'; it printed:\n\(errors)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
