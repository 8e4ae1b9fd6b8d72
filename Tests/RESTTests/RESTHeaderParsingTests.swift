import NIOHTTP1
import Testing

@testable import REST

/// The header readers that run on every request, read in place.
@Suite("REST: per-request header parsing")
struct RESTHeaderParsingTests {
    @Test("Authorization: the bearer scheme in any case, blanks around the token trimmed")
    func bearerToken() {
        #expect(Authentication.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(Authentication.bearerToken("bEaReR   abc \t") == "abc")
        #expect(Authentication.bearerToken("  Bearer abc") == "abc")
        #expect(Authentication.bearerToken("Bearer \u{00A0}abc\u{2003}") == "abc")
        #expect(Authentication.bearerToken("Bearer a b") == "a b")
        #expect(Authentication.bearerToken("Bearer    ") == nil)
        #expect(Authentication.bearerToken("Bearer") == nil)
        #expect(Authentication.bearerToken("Basic abc") == nil)
        #expect(Authentication.bearerToken(nil) == nil)
    }

    @Test("Connection: upgrade is found among options, in any case, in any Connection field")
    func upgrade() {
        func asks(_ fields: [(String, String)]) -> Bool {
            HTTPFramingGuard.asksToUpgrade(HTTPHeaders(fields))
        }
        #expect(asks([("Connection", "Upgrade")]))
        #expect(asks([("connection", "keep-alive, \tUPGRADE ")]))
        #expect(asks([("Connection", "keep-alive"), ("CONNECTION", "upgrade")]))
        #expect(!asks([("Connection", "keep-alive")]))
        #expect(!asks([("Connection", "upgraded, no-upgrade")]))
        #expect(!asks([("Upgrade", "websocket")]))
        #expect(!asks([]))
    }
}
