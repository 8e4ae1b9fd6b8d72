import Foundation
import Testing

@testable import REST

/// The request target, the route table and `Location` encoding, read byte by byte.
@Suite("REST: request targets, routes and Location encoding")
struct RESTRoutingTests {
    @Test("a target splits into its path and query, as sent; absolute form and fragments are reduced to the path")
    func targets() {
        func split(_ target: String) -> (String, String?) {
            let (path, query) = RESTRequest.split(target: target)
            return (String(path), query.map(String.init))
        }
        #expect(split("/a/b") == ("/a/b", nil))
        #expect(split("/a/b?c=1&d") == ("/a/b", "c=1&d"))
        #expect(split("/a/b?") == ("/a/b", ""))
        #expect(split("/a/%C3%A9?x=%20#frag") == ("/a/%C3%A9", "x=%20"))
        #expect(split("/a#frag?not-a-query") == ("/a", nil))
        #expect(split("http://host:80/a/b?c") == ("/a/b", "c"))
        #expect(split("http://host") == ("/", nil))
        #expect(split("*") == ("*", nil))
    }

    @Test("segments are matched byte for byte; a literal wins over a parameter; parameters come back as sent")
    func routes() throws {
        var router = RESTRouter()
        let none: RouteHandler = { _, _ in .response(.json(.init())) }
        router.add(.GET, "/s/{store}/inventory/{sku}", authenticated: true, metrics: nil, none)
        router.add(.POST, "/s/{store}/inventory/check", authenticated: true, metrics: nil, none)
        router.add(.GET, "/healthz", authenticated: false, metrics: nil, none)

        let check = try #require(router.match("/s/a/inventory/check"))
        #expect(check.route.template == "/s/{store}/inventory/check")
        #expect(check.route.endpoint(for: .GET) == nil && check.route.endpoint(for: .POST) != nil)
        let stock = try #require(router.match("//s/%41b//inventory/x%2Fy/"))
        #expect(stock.route.template == "/s/{store}/inventory/{sku}")
        #expect(stock.parameters.get("store") == "%41b" && stock.parameters.get("sku") == "x%2Fy")
        #expect(stock.parameters.get("id") == nil)
        #expect(router.match("/s/a/inventory") == nil)
        #expect(router.match("/HEALTHZ") == nil)
        #expect(router.match("/healthz")?.route.authenticated == false)
        #expect(router.match("/s/a/inventory/b/c") == nil)
        #expect(router.match("") == nil)
    }

    @Test("a Location segment is encoded exactly as Foundation's path-allowed set without the slash")
    func locationEncoding() {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/")
        let texts = [
            "plain-id_1.2~3", "a/b", "sp ace", "100%", "é 日本 🎉", "q?x#y", "!$&'()*+,;=:@", "\"<>\\^`{|}",
            String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self),
        ]
        for text in texts {
            #expect(PathSegment.encode(text) == text.addingPercentEncoding(withAllowedCharacters: allowed), "\(text)")
        }
    }
}
