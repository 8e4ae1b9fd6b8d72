import HoldfastClient
import Testing

@Suite("WireEndpoint parsing")
struct ClientEndpointTests {
    @Test(
        "accepted forms",
        arguments: [
            ("127.0.0.1:7420", WireEndpoint.tcp(host: "127.0.0.1", port: 7420)),
            ("db.example:9000", .tcp(host: "db.example", port: 9000)),
            (":7500", .tcp(host: "127.0.0.1", port: 7500)),
            ("7501", .tcp(host: "127.0.0.1", port: 7501)),
            ("localhost", .tcp(host: "localhost", port: 7420)),
            ("[::1]:7420", .tcp(host: "::1", port: 7420)),
            ("[::1]", .tcp(host: "::1", port: 7420)),
            ("  10.0.0.2:1  ", .tcp(host: "10.0.0.2", port: 1)),
            ("unix:/tmp/holdfast.sock", .unix(path: "/tmp/holdfast.sock")),
        ])
    func accepted(text: String, expected: WireEndpoint) throws {
        #expect(try WireEndpoint(parsing: text) == expected)
    }

    @Test(
        "refused forms name the problem",
        arguments: [
            "", "unix:", "host:0", "host:65536", "host:http", "::1:7420", "[::1", "[::1]x", "host:", "99999999",
        ])
    func refused(text: String) {
        #expect(throws: HoldfastClientError.self) { try WireEndpoint(parsing: text) }
        do {
            _ = try WireEndpoint(parsing: text)
        } catch {
            guard case .invalidEndpoint(let reason) = error else {
                Issue.record("\(text): expected invalidEndpoint, got \(error)")
                return
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test("descriptions read back as the same endpoint")
    func descriptionRoundTrip() throws {
        for endpoint in [WireEndpoint.tcp(host: "::1", port: 80), .tcp(host: "h", port: 1), .unix(path: "/a b")] {
            #expect(try WireEndpoint(parsing: endpoint.description) == endpoint)
        }
    }
}
