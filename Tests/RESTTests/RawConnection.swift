import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to the REST port with nothing in between: the bytes sent
/// are exactly the bytes written (URLSession would add or fix headers), and the
/// server closing the connection is observed as it happens (EOF or reset).
final class RawConnection: @unchecked Sendable {  // one test task uses it at a time
    let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            close(descriptor)
            throw Failure(description: "connect: errno \(error)")
        }
    }

    deinit { close(descriptor) }

    /// Closes both directions (FIN); the descriptor stays until deinit.
    func finish() { shutdown(descriptor, Int32(SHUT_RDWR)) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += written
        }
    }

    /// Waits up to `timeoutSeconds` for bytes; nil at EOF, reset or time-out.
    func receive(timeoutSeconds: Double) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeoutSeconds * 1_000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[..<count]) : nil
    }

    /// Reads one response (head and a `Content-Length` body).
    func readResponse(timeoutSeconds: Double = 30) throws -> RawResponse {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            if let response = RawResponse(parsing: bytes) { return response }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, let more = receive(timeoutSeconds: remaining) else {
                throw Failure(description: "no complete response; got \(String(decoding: bytes, as: UTF8.self))")
            }
            bytes += more
        }
    }

    /// Whether the server closes the connection (EOF or reset) within
    /// `timeoutSeconds`, discarding anything it sends first.
    func waitForClose(timeoutSeconds: Double) -> Bool {
        RawConnection.waitForClose([self], timeoutSeconds: timeoutSeconds) == 0
    }

    /// Waits until the server has closed every connection (EOF or reset), or
    /// `timeoutSeconds` pass; returns how many are still open.
    static func waitForClose(_ connections: [RawConnection], timeoutSeconds: Double) -> Int {
        var open = connections.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        repeat {
            let remaining = max(0, deadline.timeIntervalSinceNow)
            if poll(&open, nfds_t(open.count), Int32(min(remaining, 1) * 1_000)) > 0 {
                open.removeAll { poller in
                    guard poller.revents != 0 else { return false }
                    let count = buffer.withUnsafeMutableBytes { recv(poller.fd, $0.baseAddress, $0.count, 0) }
                    return count <= 0
                }
                for index in open.indices { open[index].revents = 0 }
            }
        } while !open.isEmpty && deadline.timeIntervalSinceNow > 0
        return open.count
    }

    /// This end's local port.
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? Int(UInt16(bigEndian: address.sin_port)) : -1
    }

    /// For a failure message: what the kernel says about each connection's
    /// two ends (`/proc/net/tcp` state and queues), to tell a connection the
    /// server never accepted from one it accepted and did not close.
    static func kernelStates(_ connections: [RawConnection], serverPort: Int) -> String {
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
        let names = ["01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
                     "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"]
        func port(_ address: Substring) -> Int { Int(address.split(separator: ":").last ?? "", radix: 16) ?? -1 }
        return connections.prefix(10).map { connection in
            let client = connection.localPort
            let ends = rows.filter { $0.count > 4 }.compactMap { row -> String? in
                let (local, remote) = (port(row[1]), port(row[2]))
                let side = local == client && remote == serverPort ? "client" : local == serverPort && remote == client ? "server" : nil
                return side.map { "\($0) \(names[String(row[3])] ?? String(row[3])) tx:rx \(row[4])" }
            }
            return "port \(client): " + (ends.isEmpty ? "no socket" : ends.joined(separator: ", "))
        }.joined(separator: "; ")
    }

    /// Runs blocking socket work off Swift's cooperative threads (which the
    /// server's request handlers need).
    static func blocking<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// A response as read off the socket.
struct RawResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }

    /// Nil until `bytes` hold a whole head and its `Content-Length` body.
    init?(parsing bytes: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else { return nil }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard bytes.count - end.upperBound >= length else { return nil }
        self.status = status
        self.headers = headers
        self.body = Array(bytes[end.upperBound..<(end.upperBound + length)])
    }
}
