/// Where a Holdfast server listens: a TCP host and port, or a Unix domain socket.
public enum WireEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// The host used when the text names only a port.
    public static let defaultHost = "127.0.0.1"

    /// Reads an endpoint: "host:port", "[ipv6]:port", ":port", "port", "host"
    /// (the default port 7420) or "unix:/path/to.sock".
    ///
    /// - Throws: `HoldfastClientError.invalidEndpoint` saying what is wrong.
    public init(parsing text: String) throws(HoldfastClientError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .invalidEndpoint("the endpoint is empty; give host:port or unix:/path") }
        if trimmed.hasPrefix("unix:") {
            let path = String(trimmed.dropFirst("unix:".count))
            guard !path.isEmpty else {
                throw .invalidEndpoint("'\(text)' names no socket path; give unix:/path/to.sock")
            }
            self = .unix(path: path)
            return
        }
        if trimmed.allSatisfy(\.isASCIIDigit) {
            self = .tcp(host: WireEndpoint.defaultHost, port: try WireEndpoint.port(trimmed, in: text))
            return
        }
        let (host, portText) = try WireEndpoint.splitHostAndPort(trimmed, in: text)
        let port = try portText.map { text throws(HoldfastClientError) in try WireEndpoint.port(text, in: trimmed) }
        self = .tcp(host: host.isEmpty ? WireEndpoint.defaultHost : host, port: port ?? WireProtocol.defaultPort)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// Host and optional port text; IPv6 hosts are bracketed ("[::1]:7420").
    private static func splitHostAndPort(_ text: String, in original: String) throws(HoldfastClientError)
        -> (host: String, port: String?)
    {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidEndpoint("'\(original)' opens an IPv6 address with [ but never closes it")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { throw .invalidEndpoint("'\(original)': expected :port after ]") }
            return (host, String(rest.dropFirst()))
        }
        let colons = text.filter { $0 == ":" }.count
        guard colons <= 1 else {
            throw .invalidEndpoint("'\(original)': write an IPv6 address in brackets, as [::1]:7420")
        }
        guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    private static func port(_ text: String, in original: String) throws(HoldfastClientError) -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCIIDigit), let port = Int(text),
            (1...65_535).contains(port)
        else { throw .invalidEndpoint("'\(original)': port '\(text)' is not a number in 1...65535") }
        return port
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
