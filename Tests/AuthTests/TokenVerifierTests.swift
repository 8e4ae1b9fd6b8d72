import Testing

@testable import Auth

@Suite("JWT verification")
struct TokenVerifierTests {
    let now = TokenFixtures.now

    private func verify(_ token: String, _ verifier: TokenVerifier = TokenFixtures.hmacVerifier, at time: Int64? = nil)
        -> Result<Principal, AuthFailure>
    {
        verifier.verify(token, now: time ?? now)
    }

    @Test("a valid HS256 token yields its principal")
    func validHS256() {
        let token = TokenFixtures.issue(role: .inventoryManager, store: "eu-1", subject: "alice")
        #expect(
            verify(token)
                == .success(Principal(subject: "alice", role: .inventoryManager, store: "eu-1", expiresAt: now + 600)))
    }

    @Test("a valid RS256 token yields its principal; another key's is a bad signature")
    func validRS256() throws {
        let token = try TokenIssuer.rs256(
            subject: "root", role: .admin, store: "*", ttlSeconds: 60, now: now,
            privateKeyPEM: TokenFixtures.rsa.privateKeyPEM)
        #expect(
            verify(token, TokenFixtures.rsaVerifier)
                == .success(Principal(subject: "root", role: .admin, store: "*", expiresAt: now + 60)))
        let other = TokenVerifier(keys: try TokenKeys(rsaPublicKeyPEM: TokenFixtures.otherRSA.publicKeyPEM))
        #expect(verify(token, other) == .failure(.badSignature))
        let both = TokenVerifier(
            keys: try TokenKeys(hmacSecret: TokenFixtures.secret, rsaPublicKeyPEM: TokenFixtures.rsa.publicKeyPEM))
        #expect(verify(token, both).map(\.subject) == .success("root"))
        #expect(verify(TokenFixtures.issue(), both).map(\.subject) == .success("c1"))
    }

    @Test("tampered claims or signature, and the wrong secret, are bad signatures")
    func tampering() {
        let token = TokenFixtures.issue(role: .customer)
        let parts = token.split(separator: ".").map(String.init)
        let forgedClaims = Base64URL.encode(Array(TokenFixtures.claims(role: "admin", store: "*").utf8))
        #expect(verify([parts[0], forgedClaims, parts[2]].joined(separator: ".")) == .failure(.badSignature))
        var signature = Array(parts[2].utf8)
        signature[0] = signature[0] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let badSignature = parts[0] + "." + parts[1] + "." + String(decoding: signature, as: UTF8.self)
        #expect(verify(badSignature) == .failure(.badSignature))
        #expect(verify(parts[0] + "." + parts[1] + ".") == .failure(.badSignature))
        let otherKey = TokenVerifier(keys: try! TokenKeys(hmacSecret: TokenFixtures.otherSecret))
        #expect(verify(token, otherKey) == .failure(.badSignature))
        // An RS256 signature cut short never reaches OpenSSL's verify as valid.
        let rsaToken = try! TokenIssuer.rs256(
            subject: "a", role: .admin, store: "*", ttlSeconds: 60, now: now,
            privateKeyPEM: TokenFixtures.rsa.privateKeyPEM)
        let rsaParts = rsaToken.split(separator: ".").map(String.init)
        let shortSignature = Base64URL.encode(Base64URL.decode(Array(rsaParts[2].utf8))!.dropLast(1))
        let cut = rsaParts[0] + "." + rsaParts[1] + "." + shortSignature
        #expect(verify(cut, TokenFixtures.rsaVerifier) == .failure(.badSignature))
    }

    @Test("alg none, unknown algorithms and algorithm confusion are refused")
    func algorithms() {
        let claims = Base64URL.encode(Array(TokenFixtures.claims().utf8))
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + claims + "."
        #expect(verify(none) == .failure(.unsupportedAlgorithm("none")))
        let hs512 = TokenFixtures.crafted(header: #"{"alg":"HS512"}"#, claims: TokenFixtures.claims())
        #expect(verify(hs512) == .failure(.unsupportedAlgorithm("HS512")))
        // HS256 "signed" with the RSA public key text: refused by an RS256-only verifier.
        let confused = TokenFixtures.crafted(
            claims: TokenFixtures.claims(), secret: Array(TokenFixtures.rsa.publicKeyPEM.utf8))
        #expect(verify(confused, TokenFixtures.rsaVerifier) == .failure(.unsupportedAlgorithm("HS256")))
        // And RS256 at an HS256-only verifier.
        let rsaToken = try! TokenIssuer.rs256(
            subject: "a", role: .admin, store: "*", ttlSeconds: 60, now: now,
            privateKeyPEM: TokenFixtures.rsa.privateKeyPEM)
        #expect(verify(rsaToken) == .failure(.unsupportedAlgorithm("RS256")))
        let noAlgorithm = TokenFixtures.crafted(header: #"{"typ":"JWT"}"#, claims: TokenFixtures.claims())
        #expect(verify(noAlgorithm) == .failure(.malformedToken("header has no string 'alg'")))
        let badType = TokenFixtures.crafted(header: #"{"alg":"HS256","typ":"JWE"}"#, claims: TokenFixtures.claims())
        #expect(verify(badType) == .failure(.malformedToken("header 'typ' is not \"JWT\"")))
        let critical = TokenFixtures.crafted(header: #"{"alg":"HS256","crit":["exp"]}"#, claims: TokenFixtures.claims())
        #expect(verify(critical) == .failure(.malformedToken("header 'crit' extensions are not supported")))
        let noType = TokenFixtures.crafted(header: #"{"alg":"HS256"}"#, claims: TokenFixtures.claims())
        #expect(verify(noType).map(\.subject) == .success("c1"))
    }

    @Test("exp and nbf with a 30 s leeway, edges included")
    func times() {
        let expiresAt = now + 600
        let token = TokenFixtures.issue()
        #expect(verify(token, at: expiresAt + 30).map(\.subject) == .success("c1"))
        #expect(verify(token, at: expiresAt + 31) == .failure(.expired))
        let early = TokenFixtures.crafted(claims: TokenFixtures.claims(extra: #""nbf":\#(now + 100)"#))
        #expect(verify(early, at: now + 70).map(\.subject) == .success("c1"))
        #expect(verify(early, at: now + 69) == .failure(.notYetValid))
        let strict = TokenVerifier(keys: try! TokenKeys(hmacSecret: TokenFixtures.secret), leewaySeconds: 0)
        #expect(verify(token, strict, at: expiresAt + 1) == .failure(.expired))
        #expect(verify(token, strict, at: expiresAt).map(\.subject) == .success("c1"))
        let extreme = TokenFixtures.crafted(claims: TokenFixtures.claims(exp: "\(Int64.max)"))
        #expect(verify(extreme, at: Int64.max).map(\.subject) == .success("c1"))
        let past = TokenFixtures.crafted(claims: TokenFixtures.claims(exp: "\(Int64.min)"))
        #expect(verify(past) == .failure(.expired))
    }

    @Test("missing or mistyped claims are invalid claims")
    func claims() {
        func failure(_ claims: String) -> AuthFailure? {
            if case .failure(let failure) = verify(TokenFixtures.crafted(claims: claims)) { return failure }
            return nil
        }
        #expect(failure(TokenFixtures.claims(exp: nil)) == .invalidClaims("'exp' is required"))
        #expect(failure(#"{"role":"customer","store":"s1","exp":\#(now + 9)}"#) == .invalidClaims("'sub' is required"))
        #expect(failure(#"{"sub":"a","store":"s1","exp":\#(now + 9)}"#) == .invalidClaims("'role' is required"))
        #expect(failure(#"{"sub":"a","role":"admin","exp":\#(now + 9)}"#) == .invalidClaims("'store' is required"))
        #expect(failure(TokenFixtures.claims(sub: "")) == .invalidClaims("'sub' must not be empty"))
        #expect(
            failure(TokenFixtures.claims(sub: String(repeating: "x", count: 65)))
                == .invalidClaims("'sub' is 65 bytes; at most 64 allowed"), "a customer's sub is its customer id")
        #expect(
            failure(TokenFixtures.claims(sub: #"a\u0007b"#))
                == .invalidClaims("'sub' must not contain control characters"))
        // The id rule: look-alikes are refused, never folded onto another customer.
        #expect(
            failure(TokenFixtures.claims(sub: #"\u212Aim-1"#))
                == .invalidClaims("'sub' must be in Unicode Normalization Form C (its canonical spelling is 'Kim-1')"))
        #expect(
            failure(TokenFixtures.claims(sub: #"\ufeffKim-1"#))
                == .invalidClaims("'sub' must not contain the invisible character U+FEFF"))
        #expect(
            failure(TokenFixtures.claims(role: "superuser"))
                == .invalidClaims("'role' must be one of customer, inventory_manager, admin"))
        #expect(
            failure(TokenFixtures.claims(role: "customer", store: "*"))
                == .invalidClaims("store '*' is for the admin role only"))
        #expect(
            failure(TokenFixtures.claims(role: "inventory_manager", store: "*"))
                == .invalidClaims("store '*' is for the admin role only"))
        #expect(failure(TokenFixtures.claims(store: "")) == .invalidClaims("'store' is not a valid store id"))
        #expect(
            failure(TokenFixtures.claims(store: String(repeating: "s", count: 65)))
                == .invalidClaims("'store' is not a valid store id"))
        #expect(failure(TokenFixtures.claims(exp: "1.8e9")) == .invalidClaims("'exp' must be an integer"))
        #expect(failure(TokenFixtures.claims(exp: "1800000600.0")) == .invalidClaims("'exp' must be an integer"))
        #expect(failure(TokenFixtures.claims(exp: #""1800000600""#)) == .invalidClaims("'exp' must be an integer"))
        #expect(failure(TokenFixtures.claims(exp: "true")) == .invalidClaims("'exp' must be an integer"))
        #expect(failure(TokenFixtures.claims(extra: #""nbf":"soon""#)) == .invalidClaims("'nbf' must be an integer"))
        #expect(failure(TokenFixtures.claims(extra: #""iat":1.5"#)) == .invalidClaims("'iat' must be an integer"))
        #expect(
            failure(#"{"sub":5,"role":"admin","store":"*","exp":\#(now + 9)}"#)
                == .invalidClaims("'sub' must be a string"))
        #expect(
            failure(TokenFixtures.claims(exp: "99999999999999999999"))
                == .malformedToken("claims is not a JSON object (JSON integer out of range)"))
        #expect(failure(TokenFixtures.claims(role: "admin", store: "*")) == nil)
    }

    @Test("iss and aud are checked when configured; aud may be an array")
    func issuerAndAudience() {
        let keys = try! TokenKeys(hmacSecret: TokenFixtures.secret)
        let verifier = TokenVerifier(keys: keys, issuer: "https://id.example", audience: "holdfast")
        let good = try! TokenIssuer.hs256(
            subject: "a", role: .admin, store: "*", ttlSeconds: 60, now: now, secret: TokenFixtures.secret,
            issuer: "https://id.example", audience: "holdfast")
        #expect(verify(good, verifier).map(\.subject) == .success("a"))
        #expect(verify(TokenFixtures.issue(), verifier) == .failure(.wrongIssuer))
        let wrongIssuer = TokenFixtures.crafted(claims: TokenFixtures.claims(extra: #""iss":"evil","aud":"holdfast""#))
        #expect(verify(wrongIssuer, verifier) == .failure(.wrongIssuer))
        let noAudience = TokenFixtures.crafted(claims: TokenFixtures.claims(extra: #""iss":"https://id.example""#))
        #expect(verify(noAudience, verifier) == .failure(.wrongAudience))
        let array = TokenFixtures.crafted(
            claims: TokenFixtures.claims(extra: #""iss":"https://id.example","aud":["other","holdfast"]"#))
        #expect(verify(array, verifier).map(\.subject) == .success("c1"))
        let wrongArray = TokenFixtures.crafted(
            claims: TokenFixtures.claims(extra: #""iss":"https://id.example","aud":["other"]"#))
        #expect(verify(wrongArray, verifier) == .failure(.wrongAudience))
        // Without configuration, iss and aud are not required.
        #expect(verify(array).map(\.subject) == .success("c1"))
    }

    @Test("base64url padding, foreign characters and non-canonical bits are malformed")
    func encoding() {
        let token = TokenFixtures.issue()
        let parts = token.split(separator: ".").map(String.init)
        let padded = parts[0] + "=." + parts[1] + "." + parts[2]
        #expect(verify(padded) == .failure(.malformedToken("header is not base64url")))
        // Padding added to signed claims breaks the signature; claims signed with padding are malformed.
        #expect(verify(parts[0] + "." + parts[1] + "=." + parts[2]) == .failure(.badSignature))
        let paddedInput = parts[0] + "." + parts[1] + "="
        let paddedMAC = HMACSHA256.mac(key: TokenFixtures.secret, message: Array(paddedInput.utf8))!
        #expect(
            verify(paddedInput + "." + Base64URL.encode(paddedMAC))
                == .failure(.malformedToken("claims is not base64url")))
        #expect(
            verify(parts[0] + "." + parts[1] + "." + parts[2] + "=")
                == .failure(.malformedToken("signature is not base64url")))
        let plus = token.replacingFirst("-", with: "+").replacingFirst("_", with: "/")
        if plus != token { #expect(verify(plus).isFailure) }
        #expect(
            verify(parts[0] + " ." + parts[1] + "." + parts[2]) == .failure(.malformedToken("header is not base64url")))
        // "eyJ" + one char whose low bits are not zero.
        #expect(Base64URL.decode(Array("QR".utf8)) == nil)
        #expect(Base64URL.decode(Array("QQ".utf8)) == [0x41])
        #expect(Base64URL.decode(Array("QUJDR".utf8)) == nil)
    }

    @Test("base64url round trips random bytes (seeded)")
    func base64Roundtrip() {
        var generator = SeededGenerator(seed: 0x5EED_0A57)
        print("base64url round trip seed 0x5EED0A57")
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(Array(text.utf8)) == bytes)
        }
    }

    @Test("garbage, empty and oversize tokens are refused cleanly")
    func garbage() {
        #expect(verify("") == .failure(.missingToken))
        #expect(verify("abc") == .failure(.malformedToken("expected three dot-separated parts, got 1")))
        #expect(verify("a.b") == .failure(.malformedToken("expected three dot-separated parts, got 2")))
        #expect(verify("a.b.c.d") == .failure(.malformedToken("expected three dot-separated parts, got 4")))
        #expect(verify("..") == .failure(.malformedToken("header is not a JSON object (not a JSON object)")))
        let notJSON = Base64URL.encode(Array("hello".utf8)) + ".e30.AAAA"
        #expect(verify(notJSON) == .failure(.malformedToken("header is not a JSON object (not a JSON object)")))
        let duplicate = TokenFixtures.crafted(claims: TokenFixtures.claims(extra: #""role":"admin""#))
        #expect(
            verify(duplicate) == .failure(.malformedToken("claims is not a JSON object (duplicate JSON member 'role')"))
        )
        let trailing = TokenFixtures.crafted(claims: TokenFixtures.claims() + "x")
        #expect(
            verify(trailing) == .failure(.malformedToken("claims is not a JSON object (bytes after the JSON object)")))
        let deep = TokenFixtures.crafted(
            claims: TokenFixtures.claims(
                extra: #""x":"# + String(repeating: "[", count: 20) + String(repeating: "]", count: 20)))
        #expect(verify(deep) == .failure(.malformedToken("claims is not a JSON object (JSON nested too deeply)")))
        let oversize = TokenFixtures.crafted(
            claims: TokenFixtures.claims(extra: #""pad":""# + String(repeating: "p", count: 6_200) + #"""#))
        #expect(oversize.utf8.count > AuthLimits.tokenBytesMax)
        #expect(verify(oversize) == .failure(.malformedToken("longer than 8192 bytes")))
        var generator = SeededGenerator(seed: 0xBAD_70C3)
        print("garbage token seed 0xBAD70C3")
        let alphabet = Array("ABCxyz019-_.=+/ {}\"".utf8)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...120, using: &generator)
            let text = String(
                decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
            #expect(verify(text).isFailure)
        }
    }

    @Test("failure reasons never contain the token or the secret")
    func reasonsAreSafe() {
        let secretText = String(decoding: TokenFixtures.secret, as: UTF8.self)
        let tokens = [
            TokenFixtures.issue() + "x",
            TokenFixtures.crafted(
                header: #"{"alg":"\u0001evil-alg-name-that-is-long-and-longer-still"}"#, claims: "{}"),
            TokenFixtures.crafted(claims: TokenFixtures.claims(role: "superuser")),
            String(repeating: "a", count: 9_000),
        ]
        for token in tokens {
            guard case .failure(let failure) = verify(token) else {
                Issue.record("must fail")
                continue
            }
            #expect(!failure.reason.contains(secretText))
            #expect(!failure.reason.contains(token))
            #expect(failure.reason.utf8.count < 200)
            #expect(!failure.reason.unicodeScalars.contains { $0.value < 0x20 })
        }
    }

    @Test("the authenticator: disabled is the development principal; tokens need a bearer")
    func authenticator() {
        #expect(Authenticator.disabled.authenticate(bearer: nil, now: now) == .success(.development))
        #expect(Principal.development.role == .admin && Principal.development.store == "*")
        let tokens = Authenticator.tokens(TokenFixtures.hmacVerifier)
        #expect(tokens.authenticate(bearer: nil, now: now) == .failure(.missingToken))
        #expect(tokens.authenticate(bearer: "", now: now) == .failure(.missingToken))
        #expect(tokens.authenticate(bearer: TokenFixtures.issue(), now: now).map(\.subject) == .success("c1"))
    }

    @Test("keys and the issuer refuse what they cannot use")
    func keysAndIssuer() {
        #expect(throws: TokenKeys.Invalid.self) { try TokenKeys() }
        #expect(throws: TokenKeys.Invalid.self) { try TokenKeys(hmacSecret: Array("short".utf8)) }
        #expect(throws: TokenKeys.Invalid.self) {
            try TokenKeys(rsaPublicKeyPEM: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        }
        #expect(throws: TokenKeys.Invalid.self) { try TokenKeys(rsaPublicKeyPEM: TokenFixtures.rsa.privateKeyPEM) }
        #expect(throws: TokenIssuer.Failure.self) {
            try TokenIssuer.hs256(
                subject: "a", role: .admin, store: "*", ttlSeconds: 0, now: 0, secret: TokenFixtures.secret)
        }
        #expect(throws: TokenIssuer.Failure.self) {
            try TokenIssuer.hs256(
                subject: "a", role: .admin, store: "*", ttlSeconds: AuthLimits.ttlSecondsMax + 1, now: 0,
                secret: TokenFixtures.secret)
        }
        #expect(throws: TokenIssuer.Failure.self) {
            try TokenIssuer.hs256(
                subject: "a", role: .customer, store: "*", ttlSeconds: 60, now: 0, secret: TokenFixtures.secret)
        }
        #expect(throws: TokenIssuer.Failure.self) {
            try TokenIssuer.rs256(
                subject: "a", role: .admin, store: "*", ttlSeconds: 60, now: 0,
                privateKeyPEM: TokenFixtures.rsa.publicKeyPEM)
        }
        #expect(TokenKeys.secret(fromFileContents: Array("  abc\n\n".utf8)) == Array("abc".utf8))
        let quoted = try! TokenIssuer.hs256(
            subject: #"we"ird\name"#, role: .customer, store: "s\"1", ttlSeconds: 60, now: now,
            secret: TokenFixtures.secret)
        #expect(
            verify(quoted)
                == .success(Principal(subject: #"we"ird\name"#, role: .customer, store: "s\"1", expiresAt: now + 60)))
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

extension String {
    func replacingFirst(_ target: Character, with replacement: Character) -> String {
        guard let index = firstIndex(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}

/// SplitMix64, so randomized tests replay from their printed seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
