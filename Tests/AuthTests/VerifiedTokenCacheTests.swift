import Foundation
import Testing

@testable import Auth

/// A token accepted once is remembered, but its times are checked on every use,
/// only acceptances are remembered, and the memory is bounded.
@Suite("JWT verification: remembered tokens")
struct VerifiedTokenCacheTests {
    let now = TokenFixtures.now

    @Test("a remembered token still expires, and is refused before its nbf if the clock goes back")
    func timesCheckedOnEveryUse() {
        let verifier = TokenFixtures.hmacVerifier
        let token = TokenFixtures.crafted(claims: TokenFixtures.claims(extra: #""nbf":\#(now - 10)"#))
        let principal = Principal(subject: "c1", role: .customer, store: "s1", expiresAt: now + 600)
        #expect(verifier.verify(token, now: now) == .success(principal))
        #expect(verifier.verified.count == 1)
        #expect(verifier.verify(token, now: now + 1) == .success(principal))
        #expect(verifier.verify(token, now: now + 600 + 31) == .failure(.expired))
        #expect(verifier.verify(token, now: now - 10 - 31) == .failure(.notYetValid))
        #expect(verifier.verify(token, now: now + 630) == .success(principal))
    }

    @Test("refused tokens are not remembered: a bad signature fails every time")
    func refusalsNotRemembered() {
        let verifier = TokenFixtures.hmacVerifier
        let forged = TokenFixtures.crafted(claims: TokenFixtures.claims(), secret: TokenFixtures.otherSecret)
        let early = TokenFixtures.crafted(claims: TokenFixtures.claims(extra: #""nbf":\#(now + 100)"#))
        for _ in 0..<2 {
            #expect(verifier.verify(forged, now: now) == .failure(.badSignature))
            #expect(verifier.verify(early, now: now) == .failure(.notYetValid))
        }
        #expect(verifier.verified.count == 0)
        #expect(verifier.verify(early, now: now + 100) != .failure(.notYetValid))
        #expect(verifier.verified.count == 1)
    }

    @Test("a canonically equivalent spelling of a remembered token is not the token")
    func lookAlikeIsNotRemembered() {
        let verifier = TokenFixtures.hmacVerifier
        let tokens = (0..<100).lazy.map { TokenFixtures.issue(subject: "c\($0)") }
        guard let token = tokens.first(where: { $0.contains("K") }) else {
            Issue.record("no token of 100 spells a K")
            return
        }
        #expect(verifier.verify(token, now: now).isSuccess)
        // KELVIN SIGN is canonically equivalent to "K": equal as Swift strings, other bytes.
        let lookAlike = token.replacingOccurrences(of: "K", with: "\u{212A}")
        #expect(lookAlike == token)
        #expect(!verifier.verify(lookAlike, now: now).isSuccess)
    }

    @Test("another verifier (other keys) remembers nothing of this one's tokens")
    func perVerifier() {
        let token = TokenFixtures.issue()
        #expect(TokenFixtures.hmacVerifier.verify(token, now: now).isSuccess)
        let other = TokenVerifier(keys: try! TokenKeys(hmacSecret: TokenFixtures.otherSecret))
        #expect(other.verify(token, now: now) == .failure(.badSignature))
    }

    @Test("at most entriesMax tokens are remembered; each is still accepted")
    func bounded() {
        let verifier = TokenFixtures.hmacVerifier
        let count = VerifiedTokenCache.entriesMax + 50
        for index in 0..<count {
            let token = TokenFixtures.issue(subject: "c\(index)")
            #expect(verifier.verify(token, now: now).isSuccess)
        }
        #expect(verifier.verified.count == VerifiedTokenCache.entriesMax)
        #expect(verifier.verify(TokenFixtures.issue(subject: "c0"), now: now).isSuccess)
    }
}

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
