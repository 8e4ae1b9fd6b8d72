import Foundation
import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP client that sends exactly the bytes a test gives it —
/// including malformed ones — and reads what the server answers.
final class RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawSocketError.failed("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw RawSocketError.failed("connect: errno \(errno)")
        }
        setReceiveTimeout(seconds: 5)
    }

    deinit { close(descriptor) }

    func setReceiveTimeout(seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends every byte (or throws when the server has closed).
    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw RawSocketError.closed }
            sent += count
        }
    }

    /// Reads exactly `count` bytes; nil if the server closed first.
    func receive(exactly count: Int) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = bytes[received...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if result == 0 { return nil }
            if result < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw RawSocketError.timedOut }
                if errno == ECONNRESET { return nil }
                throw RawSocketError.failed("recv: errno \(errno)")
            }
            received += result
        }
        return bytes
    }

    /// Reads one frame; nil if the server closed the connection.
    func receiveFrame() throws -> Frame? {
        guard let headerBytes = try receive(exactly: WireProtocol.headerBytes) else { return nil }
        let header = try FrameHeader.decode(headerBytes)
        guard let body = try receive(exactly: Int(header.bodyLength)) else { return nil }
        return Frame(header: header, body: body)
    }

    /// True when the server has closed the connection (reads end) within the timeout.
    func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        while true {
            let result = recv(descriptor, &byte, 1, 0)
            if result == 0 { return true }
            if result < 0 && errno == EINTR { continue }
            if result < 0 { return errno == ECONNRESET }
        }
    }
}

enum RawSocketError: Error {
    case failed(String)
    case closed
    case timedOut
}
