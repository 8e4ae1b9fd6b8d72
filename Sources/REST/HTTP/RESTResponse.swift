import NIOCore
import NIOHTTP1

/// A whole response: status, header fields and body. The connection adds
/// `Content-Length`, `Date`, `Server` and, when it closes, `Connection: close`.
struct RESTResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(status: HTTPResponseStatus = .ok, contentType: String, body: ByteBuffer) {
        self.status = status
        headers = HTTPHeaders()
        headers.reserveCapacity(8)
        headers.add(name: "Content-Type", value: contentType)
        self.body = body
    }

    /// A JSON document.
    static func json(_ body: ByteBuffer, status: HTTPResponseStatus = .ok) -> RESTResponse {
        RESTResponse(status: status, contentType: "application/json", body: body)
    }

    /// Text that is not an engine result (`/healthz`, `/metrics`, the OpenAPI document).
    static func text(_ text: String, contentType: String, status: HTTPResponseStatus = .ok) -> RESTResponse {
        RESTResponse(status: status, contentType: contentType, body: ByteBuffer(string: text))
    }
}
