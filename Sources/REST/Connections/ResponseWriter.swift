import Glibc
import NIOCore
import NIOHTTP1

/// Writes a response's head and body (the caller writes its end): adds
/// `Content-Length`, `Date` (formatted once a second), `Server`, and the
/// `Connection` field when the connection closes after it, or stays open for
/// an HTTP/1.0 client that asked to keep it alive.
struct ResponseWriter {
    let serverName: String
    private var dateSecond = 0
    private var date = ""

    init(serverName: String) {
        self.serverName = serverName
    }

    mutating func write(
        _ response: RESTResponse, for request: HTTPRequestHead, closing: Bool, _ context: ChannelHandlerContext
    ) {
        var headers = response.headers
        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
        headers.add(name: "Date", value: currentDate())
        headers.add(name: "Server", value: serverName)
        if closing {
            headers.add(name: "Connection", value: "close")
        } else if request.version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if response.body.readableBytes > 0 {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(response.body))), promise: nil)
        }
    }

    /// The IMF-fixdate of now (RFC 9110 §5.6.7), as `Sun, 06 Nov 1994 08:49:37 GMT`.
    private mutating func currentDate() -> String {
        let now = time(nil)
        guard Int(now) != dateSecond || date.isEmpty else { return date }
        dateSecond = Int(now)
        date = Self.imfFixdate(now)
        return date
    }

    static func imfFixdate(_ seconds: time_t) -> String {
        var seconds = seconds
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "Thu, 01 Jan 1970 00:00:00 GMT" }
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):"
            + "\(twoDigits(parts.tm_sec)) GMT"
    }
}
