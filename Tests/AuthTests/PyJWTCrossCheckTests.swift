import Auth
import Foundation
import Testing

/// Cross-checks with an independent implementation, PyJWT (Debian's python3-jwt
/// and python3-cryptography, installed by scripts/install-system-packages):
/// tokens PyJWT makes verify here, and tokens made here verify in PyJWT.
@Suite("JWT cross-check with PyJWT")
struct PyJWTCrossCheckTests {
    /// The first Python interpreter that has PyJWT and cryptography.
    static func python() throws -> String {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "python3"] {
            if (try? run(candidate, ["-c", "import jwt, cryptography"], input: "").status) == 0 { return candidate }
        }
        throw CrossCheckError(
            message: "no python3 with PyJWT and cryptography; run scripts/install-system-packages (python3-jwt)")
    }

    struct CrossCheckError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func run(_ executable: String, _ arguments: [String], input: String) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self)
        )
    }

    static let script = #"""
        import json, sys, time, jwt
        request = json.load(sys.stdin)
        secret = request["secret"]
        claims = {"sub": "py-user", "role": "inventory_manager", "store": "eu-1", "exp": int(time.time()) + 600,
                  "iat": int(time.time()), "iss": "issuer-x", "aud": ["a1", "holdfast"]}
        result = {
            "hs256": jwt.encode(claims, secret, algorithm="HS256"),
            "rs256": jwt.encode(claims, request["private"], algorithm="RS256"),
            "ours_hs256": jwt.decode(request["ours_hs256"], secret, algorithms=["HS256"], audience="holdfast",
                                     issuer="issuer-x"),
            "ours_rs256": jwt.decode(request["ours_rs256"], request["public"], algorithms=["RS256"],
                                     audience="holdfast", issuer="issuer-x"),
        }
        try:
            jwt.decode(request["ours_tampered"], secret, algorithms=["HS256"], audience="holdfast", issuer="issuer-x")
            result["tampered"] = "accepted"
        except jwt.InvalidSignatureError:
            result["tampered"] = "refused"
        print(json.dumps(result))
        """#

    @Test("PyJWT's HS256 and RS256 tokens verify here; ours verify in PyJWT")
    func crossCheck() throws {
        let python = try Self.python()
        let secret = "cross-check-secret-0123456789abcdef"
        let keys = try TokenIssuer.generateRSAKeyPair()
        let now = Int64(Date().timeIntervalSince1970)
        let oursHS = try TokenIssuer.hs256(
            subject: "swift-user", role: .customer, store: "eu-1", ttlSeconds: 600, now: now,
            secret: Array(secret.utf8),
            issuer: "issuer-x", audience: "holdfast")
        let oursRS = try TokenIssuer.rs256(
            subject: "swift-admin", role: .admin, store: "*", ttlSeconds: 600, now: now,
            privateKeyPEM: keys.privateKeyPEM,
            issuer: "issuer-x", audience: "holdfast")
        let parts = oursHS.split(separator: ".")
        let tampered = [String(parts[0]), String(parts[1].dropLast(2)) + "AA", String(parts[2])].joined(separator: ".")
        let request: [String: String] = [
            "secret": secret, "private": keys.privateKeyPEM, "public": keys.publicKeyPEM, "ours_hs256": oursHS,
            "ours_rs256": oursRS, "ours_tampered": tampered,
        ]
        let input = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let result = try Self.run(python, ["-c", Self.script], input: input)
        try #require(result.status == 0, "python failed: \(result.errors)")
        let answer = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])

        // PyJWT read our tokens and their claims.
        let decodedHS = try #require(answer["ours_hs256"] as? [String: Any])
        #expect(decodedHS["sub"] as? String == "swift-user" && decodedHS["role"] as? String == "customer")
        let decodedRS = try #require(answer["ours_rs256"] as? [String: Any])
        #expect(decodedRS["sub"] as? String == "swift-admin" && decodedRS["store"] as? String == "*")
        #expect(answer["tampered"] as? String == "refused")

        // We read PyJWT's tokens.
        let verifier = TokenVerifier(
            keys: try TokenKeys(hmacSecret: Array(secret.utf8), rsaPublicKeyPEM: keys.publicKeyPEM), issuer: "issuer-x",
            audience: "holdfast")
        let expected = Principal(subject: "py-user", role: .inventoryManager, store: "eu-1")
        for name in ["hs256", "rs256"] {
            let token = try #require(answer[name] as? String)
            let principal = try verifier.verify(token, now: now).get()
            #expect(
                principal.subject == expected.subject && principal.role == expected.role
                    && principal.store == expected.store)
            // PyJWT stamped its tokens at some moment between `now` and this one.
            let latest = Int64(Date().timeIntervalSince1970)
            #expect(principal.expiresAt.map { (now + 600 - 1)...(latest + 600 + 1) ~= $0 } == true)
        }
        let wrongSecret = TokenVerifier(
            keys: try TokenKeys(hmacSecret: Array("another-secret-0123456789abcdefgh".utf8)))
        #expect(wrongSecret.verify(try #require(answer["hs256"] as? String), now: now) == .failure(.badSignature))
    }
}
