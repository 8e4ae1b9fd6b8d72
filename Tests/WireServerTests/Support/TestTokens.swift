import Auth
import Foundation

/// HS256 tokens for servers under test: one secret, tokens valid for an hour from now.
enum TestTokens {
    static let secret = Array("wire-server-tests-secret-0123456789abcdef".utf8)
    static let authenticator = Authenticator.tokens(TokenVerifier(keys: try! TokenKeys(hmacSecret: secret)))

    static func token(role: Role = .admin, store: String = "*", subject: String = "tester", ttlSeconds: Int64 = 3_600)
        -> String
    {
        try! TokenIssuer.hs256(
            subject: subject, role: role, store: store, ttlSeconds: ttlSeconds,
            now: Int64(Date().timeIntervalSince1970), secret: secret)
    }
}
