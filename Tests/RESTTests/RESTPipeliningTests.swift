import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Requests sent back to back on one connection are answered in order, a
/// write's answer before the read behind it, and `Connection: close` ends
/// the connection after its answer.
@Suite("REST: pipelined requests and Connection: close")
struct RESTPipeliningTests {
    @Test("a write and the reads pipelined behind it are answered in order; the reads see the write")
    func pipelined() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        _ = try await rest.send("PUT", "/api/v1/stores/s1/inventory/a", json: #"{"onHand": 5}"#)
        let token = "Authorization: Bearer \(RESTHarness.adminToken)\r\n"
        let body = #"{"lines": [{"sku": "a", "quantity": 2}]}"#
        let requests =
            "GET /api/v1/stores/s1/inventory/a HTTP/1.1\r\nHost: x\r\n\(token)\r\n"
            + "POST /api/v1/stores/s1/reservations HTTP/1.1\r\nHost: x\r\n\(token)Content-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            + "GET /api/v1/stores/s1/inventory/a HTTP/1.1\r\nHost: x\r\n\(token)\r\n"
            + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        let connection = try rest.connect()
        let (responses, closed) = try await RawConnection.blocking {
            try connection.send(requests)
            return (try Self.readResponses(4, from: connection), connection.waitForClose(timeoutSeconds: 30))
        }
        #expect(responses.map(\.status) == [200, 201, 200, 200])
        #expect(responses[0].text.contains(#""available":5"#), "\(responses[0].text)")
        #expect(responses[2].text.contains(#""available":3"#), "\(responses[2].text)")
        #expect(responses[3].headers["connection"] == "close")
        #expect(closed, "the connection stays open after Connection: close")
    }

    @Test("a client that half-closes after its request is answered, then closed; one that half-closes mid-request is closed")
    func halfClose() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let whole = try rest.connect()
        let (response, closed) = try await RawConnection.blocking {
            try whole.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            shutdown(whole.descriptor, Int32(SHUT_WR))
            return (try whole.readResponse(), whole.waitForClose(timeoutSeconds: 30))
        }
        #expect(response.status == 200 && closed)

        let partial = try rest.connect()
        let partialClosed = try await RawConnection.blocking {
            try partial.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"a\"")
            shutdown(partial.descriptor, Int32(SHUT_WR))
            return partial.waitForClose(timeoutSeconds: 5)
        }
        #expect(partialClosed, "a request the client can no longer finish keeps the connection open")
    }

    @Test("a client that sends requests without reading the answers is no longer read once its socket is full")
    func unreadAnswers() async throws {
        let rest = try await RESTHarness.start()
        defer { Task { await rest.stop() } }
        let connection = try rest.connect()
        let (sentBytes, blocked) = try await RawConnection.blocking { () -> (Int, Bool) in
            let requests = Array(String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", count: 1_000).utf8)
            var sent = 0
            var offset = 0
            var stalledSince: Date?
            let deadline = Date().addingTimeInterval(30)
            while sent < 64 << 20, Date() < deadline {
                let written = requests[offset...].withUnsafeBytes {
                    Glibc.send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
                }
                if written > 0 {
                    sent += written
                    offset = (offset + written) % requests.count
                    stalledSince = nil
                    continue
                }
                guard errno == EAGAIN || errno == EWOULDBLOCK else {
                    throw RawConnection.Failure(description: "send: errno \(errno)")
                }
                let since = stalledSince ?? Date()
                stalledSince = since
                if Date().timeIntervalSince(since) > 1 { return (sent, true) }
                usleep(10_000)
            }
            return (sent, false)
        }
        // The kernel's buffers hold some megabytes; the server stops reading
        // once its answers wait for the socket, and sending then blocks.
        #expect(blocked, "\(sentBytes) bytes of requests were taken without their answers being read")
    }

    /// Reads `count` whole responses (each with a `Content-Length` body) off `connection`.
    static func readResponses(_ count: Int, from connection: RawConnection) throws -> [RawResponse] {
        var bytes: [UInt8] = []
        var responses: [RawResponse] = []
        let deadline = Date().addingTimeInterval(30)
        while responses.count < count {
            if let response = RawResponse(parsing: bytes) {
                responses.append(response)
                let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound
                bytes.removeFirst(headEnd + response.body.count)
                continue
            }
            guard deadline.timeIntervalSinceNow > 0,
                let more = connection.receive(timeoutSeconds: deadline.timeIntervalSinceNow)
            else {
                throw RawConnection.Failure(description: "\(responses.count) of \(count) responses")
            }
            bytes += more
        }
        return responses
    }
}
