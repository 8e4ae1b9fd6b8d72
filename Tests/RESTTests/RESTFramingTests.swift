import Foundation
import Testing

/// Refusals at the HTTP level are problems too, and end the connection.
@Suite("REST: HTTP framing refusals")
struct RESTFramingTests {
    @Test(
        "unknown method, malformed request line or header, bad chunk framing, oversized head → 400 problem+json, then close"
    )
    func malformedRequests() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let token = "Authorization: Bearer \(RESTHarness.adminToken)\r\n"
        let requests = [
            "FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /healthz\r\nHost: x\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            "PUT /api/v1/stores/s1/inventory/a HTTP/1.1\r\nHost: x\r\n\(token)Content-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 40_000))\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-Many: m\r\n", count: 101) + "\r\n",
        ]
        for request in requests {
            let connection = try rest.connect()
            let (response, closed) = try await RawConnection.blocking {
                try connection.send(request)
                return (try connection.readResponse(), connection.waitForClose(timeoutSeconds: 30))
            }
            let shown = request.replacingOccurrences(of: RESTHarness.adminToken, with: "…").prefix(200)
            #expect(response.status == 400, "\(shown): \(response.text)")
            #expect(response.headers["content-type"] == "application/problem+json", "\(shown)")
            #expect(response.json["code"] as? String == "MALFORMED_REQUEST", "\(shown): \(response.text)")
            #expect(closed, "\(shown): the connection stays open")
        }
        #expect(try await rest.send("GET", "/healthz").status == 200)
        #expect(rest.server.connectionMetrics.framingRefusals.value == UInt64(requests.count))
    }

    @Test("a request asking to upgrade is served as HTTP/1.1, then the connection closes")
    func upgradeRequest() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let connection = try rest.connect()
        let (response, closed) = try await RawConnection.blocking {
            try connection.send(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                    + "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            return (try connection.readResponse(), connection.waitForClose(timeoutSeconds: 30))
        }
        #expect(response.status == 200 && response.json["status"] as? String == "alive")
        #expect(closed)
    }

    @Test("CONNECT → 400 and close (NIO's encoder sends no body in a response to CONNECT)")
    func connectMethod() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let connection = try rest.connect()
        let (response, closed) = try await RawConnection.blocking {
            try connection.send("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n")
            return (try connection.readResponse(), connection.waitForClose(timeoutSeconds: 30))
        }
        #expect(response.status == 400 && response.headers["content-type"] == "application/problem+json")
        #expect(closed)
    }

    @Test("HTTP/1.0 with Transfer-Encoding: chunked → 400 problem+json naming it, nothing applied")
    func chunkedHTTP10() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let body = #"{"delta": 1, "reason": "found"}"#
        let chunk = String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n"
        let request =
            "POST /api/v1/stores/s1/inventory/a/adjust HTTP/1.0\r\nHost: x\r\n"
            + "Authorization: Bearer \(RESTHarness.adminToken)\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n" + chunk
        let connection = try rest.connect()
        let (response, closed) = try await RawConnection.blocking {
            try connection.send(request)
            return (try connection.readResponse(), connection.waitForClose(timeoutSeconds: 30))
        }
        #expect(response.status == 400 && response.headers["content-type"] == "application/problem+json")
        #expect((response.json["detail"] as? String)?.contains("Transfer-Encoding") == true, "\(response.text)")
        #expect(closed)
        let stock = try await rest.send("GET", "/api/v1/stores/s1/inventory/a")
        #expect(stock.status == 200 && stock.text.contains(#""onHand":5"#), "\(stock.text)")
    }
}
