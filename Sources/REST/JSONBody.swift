import Auth
import NIOCore

/// Strict decoding of request bodies, in one parse: `application/json` in
/// UTF-8 only, a JSON object with no duplicate or unknown fields, no nulls, no
/// trailing commas, integers written as integers within 64 bits — anything else
/// is refused with a problem that names what is wrong.
enum JSONBody {
    /// Largest request body accepted (the biggest valid request, 256 priced
    /// lines with 64-byte ids, is about 40 KiB).
    static let bytesMax = 1 << 20
    /// Deepest nesting of arrays and objects in a body (the deepest valid one is 3).
    static let depthMax = 8

    static func decode<Body: RequestBody>(_ type: Body.Type, from request: RESTRequest) throws(Problem) -> Body {
        try MediaType.requireJSON(request.field("Content-Type"))
        switch request.bodyFailure {
        case .tooLarge:
            throw Problem(
                .payloadTooLarge, status: .contentTooLarge, detail: "the body is larger than \(bytesMax) bytes")
        case .unreadable(let reason):
            throw Problem.malformed("the body could not be read (\(reason))")
        case nil:
            return try decode(type, from: request.body.map { Array($0.readableBytesView) } ?? [])
        }
    }

    static func decode<Body: RequestBody>(_ type: Body.Type, from bytes: [UInt8]) throws(Problem) -> Body {
        guard !bytes.isEmpty else { throw Problem.malformed("the body is empty; a JSON object is expected") }
        if let encodingProblem = encodingProblem(bytes) { throw Problem.malformed(encodingProblem) }
        let members: [String: JSONValue]
        do throws(StrictJSON.Failure) {
            members = try StrictJSON.parseObject(bytes, depthMax: depthMax)
        } catch {
            throw Problem.malformed("the body is not valid JSON: \(error.reason) (at byte \(error.offset))")
        }
        return try Body(JSONObject(.object(members), path: "", allowed: Body.fieldNames))
    }

    /// Why `bytes` are not UTF-8 JSON text, for the encodings a client might
    /// send by mistake: a byte order mark, UTF-16 or UTF-32 (RFC 8259 §8.1).
    static func encodingProblem(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return "the body starts with a UTF-8 byte order mark; send UTF-8 without one"
        }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.prefix(4).contains(0) {
            return "the body is UTF-16 or UTF-32; JSON bodies must be UTF-8"
        }
        return nil
    }
}

/// The request's `Content-Type`: JSON bodies must say `application/json`
/// (parameters allowed, a charset only if it is UTF-8).
enum MediaType {
    static func requireJSON(_ contentType: String?) throws(Problem) {
        guard let contentType else {
            throw unsupported("a body needs Content-Type: application/json; the request has none")
        }
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let essence = parts[0].trimmingWhitespace().lowercased()
        guard essence == "application/json" else {
            throw unsupported("Content-Type must be application/json, not '\(contentType.prefix(128))'")
        }
        for parameter in parts.dropFirst() {
            let trimmed = parameter.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            let pair = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace().lowercased() }
            guard pair.count == 2 else {
                throw unsupported("Content-Type has a malformed parameter '\(parameter.prefix(64))'")
            }
            if pair[0] == "charset", !["utf-8", "\"utf-8\""].contains(pair[1]) {
                throw unsupported("JSON bodies must be UTF-8, not charset '\(pair[1].prefix(64))'")
            }
        }
    }

    private static func unsupported(_ detail: String) -> Problem {
        Problem(.unsupportedMediaType, status: .unsupportedMediaType, detail: detail)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
