import NIOCore
import NIOHTTP1

/// One whole request as the connection read it: the decoded head, its target
/// split into path and query (both still percent-encoded), and the body,
/// collected up to `JSONBody.bytesMax`.
struct RESTRequest: Sendable {
    /// Why the body is missing although the request sent one; a route that
    /// reads the body refuses the request with it (413 or 400).
    enum BodyFailure: Sendable {
        /// Longer than `JSONBody.bytesMax`: discarded as it arrived.
        case tooLarge
        /// Its framing broke (bad chunk sizes): the connection closes after the response.
        case unreadable(String)
    }

    let head: HTTPRequestHead
    /// The target's path, percent-encoded as sent (`/api/v1/…`), without the query.
    let path: Substring
    /// The text after `?`, percent-encoded as sent; nil when the target has none.
    let query: Substring?
    /// The body's bytes; nil when the request had none.
    let body: ByteBuffer?
    let bodyFailure: BodyFailure?

    init(head: HTTPRequestHead, body: ByteBuffer?, bodyFailure: BodyFailure?) {
        self.head = head
        self.body = body
        self.bodyFailure = bodyFailure
        (path, query) = Self.split(target: head.uri)
    }

    var method: String { head.method.rawValue }

    /// The value of header field `name` (any case); several fields of that name
    /// are joined with ", " (RFC 9110 §5.3). Nil when absent.
    func field(_ name: String) -> String? {
        var joined: String?
        for (fieldName, value) in head.headers where fieldName.utf8.count == name.utf8.count {
            guard Self.equalsIgnoringASCIICase(fieldName, name) else { continue }
            joined = joined.map { $0 + ", " + value } ?? value
        }
        return joined
    }

    /// Path and query of a request target: origin form (`/a/b?c`), or absolute
    /// form (`http://host/a/b?c`, whose scheme and authority are dropped). A
    /// fragment (`#…`), which clients do not send, is dropped too.
    static func split(target: String) -> (path: Substring, query: Substring?) {
        let utf8 = target.utf8
        var end = utf8.firstIndex(of: UInt8(ascii: "#")) ?? utf8.endIndex
        var start = utf8.startIndex
        if utf8.first != UInt8(ascii: "/"), let scheme = target.range(of: "://") {
            start = target[scheme.upperBound..<end].utf8.firstIndex(of: UInt8(ascii: "/")) ?? end
        }
        // The query ends where the fragment starts; the path at the first `?`.
        let mark = target[start..<end].utf8.firstIndex(of: UInt8(ascii: "?"))
        guard let mark else { return (start == end ? "/" : target[start..<end], nil) }
        let query = target[utf8.index(after: mark)..<end]
        end = mark
        return (start == end ? "/" : target[start..<end], query)
    }

    private static func equalsIgnoringASCIICase(_ left: String, _ right: String) -> Bool {
        for (a, b) in zip(left.utf8, right.utf8) where a != b {
            let foldedA = (0x41...0x5A).contains(a) ? a | 0x20 : a
            let foldedB = (0x41...0x5A).contains(b) ? b | 0x20 : b
            guard foldedA == foldedB else { return false }
        }
        return true
    }
}
