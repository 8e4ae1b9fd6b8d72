import Foundation
import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP client that sends exactly the bytes a test gives it —
/// including malformed ones — and reads what the server answers. Its receive
/// timeout only bounds a failing test, so it is generous (a loaded machine
/// can be slow); a test that blocks on it while async work must progress
/// calls it through `offCooperativePool`.
/// Unchecked: a socket is used by one thread at a time (the test's, or the one it hands it to).
final class RawSocket: @unchecked Sendable {
    /// How long a read waits before the test counts it as failed.
    static let receiveTimeoutSeconds = 60.0

    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`; `receiveBufferBytes` shrinks the kernel's receive
    /// buffer first, so that replies the client has not read yet back up into the server.
    init(port: Int, receiveBufferBytes: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawSocketError.failed("socket: errno \(errno)") }
        if var bytes = receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: the instance is fully initialised, so a throw runs deinit, which
        // closes the descriptor. Closing it twice would close whatever socket another
        // thread opened meanwhile under the same number (a server's listener, say).
        guard result == 0 else { throw RawSocketError.failed("connect: errno \(errno)") }
        setReceiveTimeout(seconds: Self.receiveTimeoutSeconds)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

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

    /// Reads exactly `count` bytes; nil if the server closed (or reset) first.
    func receive(exactly count: Int) throws -> [UInt8]? {
        guard case .success(let bytes) = try receiveOrEnd(exactly: count) else { return nil }
        return bytes
    }

    /// Reads exactly `count` bytes, or says how the connection ended first.
    func receiveOrEnd(exactly count: Int) throws -> Result<[UInt8], End> {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = bytes[received...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if result == 0 { return .failure(received == 0 ? .closed : .truncated) }
            if result < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw RawSocketError.timedOut }
                if errno == ECONNRESET { return .failure(.reset) }
                throw RawSocketError.failed("recv: errno \(errno)")
            }
            received += result
        }
        return .success(bytes)
    }

    /// Reads one frame; nil if the server closed the connection.
    func receiveFrame() throws -> Frame? {
        guard case .success(let frame) = try receiveFrameOrEnd() else { return nil }
        return frame
    }

    /// Reads one frame, or says how the connection ended before one was complete.
    func receiveFrameOrEnd() throws -> Result<Frame, End> {
        let headerBytes: [UInt8]
        switch try receiveOrEnd(exactly: WireProtocol.headerBytes) {
        case .success(let bytes): headerBytes = bytes
        case .failure(let end): return .failure(end)
        }
        let header = try FrameHeader.decode(headerBytes)
        switch try receiveOrEnd(exactly: Int(header.bodyLength)) {
        case .success(let body): return .success(Frame(header: header, body: body))
        case .failure(let end): return .failure(end == .closed ? .truncated : end)
        }
    }

    /// Every frame until the connection ends, and how it ended.
    func receiveUntilEnd() throws -> (frames: [Frame], end: End) {
        var frames: [Frame] = []
        while true {
            switch try receiveFrameOrEnd() {
            case .success(let frame): frames.append(frame)
            case .failure(let end): return (frames, end)
            }
        }
    }

    /// The client's own TCP port.
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether the server's end of this connection (on 127.0.0.1:`serverPort`) has
    /// sent its FIN — read from the kernel's table, so it holds even while the FIN
    /// waits behind replies the client has not read.
    func hasServerQueuedFIN(serverPort: Int) -> Bool {
        let finishing: Set<String> = ["04", "05", "0B"]  // FIN_WAIT1, FIN_WAIT2, CLOSING
        return serverSocketState(serverPort: serverPort).map(finishing.contains) ?? false
    }

    /// The kernel's TCP state (hex, as in /proc/net/tcp) of the server's end of this
    /// connection; nil when not listed (the table can miss entries while it changes).
    func serverSocketState(serverPort: Int) -> String? {
        let table = Self.readWholeFile("/proc/net/tcp")
        let local = String(format: "0100007F:%04X", serverPort)
        let remote = String(format: "0100007F:%04X", localPort)
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 3, fields[1] == local, fields[2] == remote { return String(fields[3]) }
        }
        return nil
    }

    /// A /proc file read to its end (its size is reported as 0, so read until EOF).
    private static func readWholeFile(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return "" }
        defer { Glibc.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Closes the connection now (the descriptor stays reserved until deinit).
    func disconnect() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Sends FIN: the client will send nothing more, and still reads.
    func closeOutput() {
        shutdown(descriptor, Int32(SHUT_WR))
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

extension RawSocket {
    /// How a connection ended, seen from the client.
    enum End: Error, Equatable {
        /// The server sent FIN: every byte it wrote was delivered.
        case closed
        /// The server reset the connection: bytes it had written may have been dropped.
        case reset
        /// Bytes arrived where the end was expected.
        case unexpectedBytes
        /// The server sent FIN in the middle of a frame.
        case truncated
    }

    /// Reads until the connection ends, or throws `timedOut`.
    func end() throws -> End {
        var byte: UInt8 = 0
        while true {
            let result = recv(descriptor, &byte, 1, 0)
            if result == 0 { return .closed }
            if result > 0 { return .unexpectedBytes }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return .reset }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw RawSocketError.timedOut }
            throw RawSocketError.failed("recv: errno \(errno)")
        }
    }
}

/// Runs blocking socket work on a thread of its own, so the test's task
/// suspends and the cooperative pool (2 threads on this machine) stays free for
/// the async work — server shutdown, other tests — the result may wait for.
func offCooperativePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

enum RawSocketError: Error {
    case failed(String)
    case closed
    case timedOut
}
