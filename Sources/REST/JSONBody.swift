import Foundation
import Hummingbird

/// Strict decoding of request bodies: JSON objects only, no unknown fields, no
/// wrong types, no numbers outside 64-bit integers — each refused with a 400
/// problem that names the field.
enum JSONBody {
    /// Largest request body accepted (the biggest valid request, 256 priced
    /// lines with 64-byte ids, is about 40 KiB).
    static let bytesMax = 1 << 20

    static func decode<Body: RequestBody>(_ type: Body.Type, from request: Request) async throws -> Body {
        if let contentType = request.headers[.contentType],
            !contentType.lowercased().hasPrefix("application/json")
        {
            throw Problem(
                .unsupportedMediaType, status: .unsupportedMediaType,
                detail: "Content-Type must be application/json, not '\(contentType)'")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: bytesMax)
        } catch {
            throw Problem(
                .payloadTooLarge, status: .contentTooLarge, detail: "the body is larger than \(bytesMax) bytes")
        }
        return try decode(type, from: Data(buffer.readableBytesView))
    }

    static func decode<Body: RequestBody>(_ type: Body.Type, from data: Data) throws -> Body {
        guard !data.isEmpty else { throw Problem.malformed("the body is empty; a JSON object is expected") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw Problem.malformed("the body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw Problem.malformed("the body must be a JSON object")
        }
        try checkKeys(fields, allowed: Body.fieldNames, path: "")
        for (key, allowed) in Body.nestedFieldNames {
            guard let items = fields[key] as? [Any] else { continue }
            for (index, item) in items.enumerated() {
                guard let object = item as? [String: Any] else {
                    throw Problem.malformed("field '\(key)[\(index)]' must be an object")
                }
                try checkKeys(object, allowed: allowed, path: "\(key)[\(index)].")
            }
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw Problem.malformed(describe(error))
        }
    }

    /// Unknown fields are refused, so a misspelt optional field is never silently ignored.
    private static func checkKeys(_ object: [String: Any], allowed: Set<String>, path: String) throws {
        for key in object.keys.sorted() {
            guard allowed.contains(key) else {
                throw Problem.malformed(
                    "unknown field '\(path)\(key)'; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            if object[key] is NSNull {
                throw Problem.malformed("field '\(path)\(key)' is null; leave an optional field out instead")
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func name(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = name(context.codingPath)
            return "missing field '\(parent.isEmpty ? "" : parent + ".")\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "field '\(name(context.codingPath))' must be \(JSONBody.typeName(type))"
        case .valueNotFound(let type, let context):
            return "field '\(name(context.codingPath))' must be \(JSONBody.typeName(type)), not null"
        case .dataCorrupted(let context):
            let field = name(context.codingPath)
            let subject = field.isEmpty ? "a value" : "field '\(field)'"
            return "\(subject) is out of range or not a whole number (integers are 64-bit, money in minor units)"
        @unknown default:
            return "the body does not have the expected shape"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int64.Type, is Int.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

/// A request body: Decodable, with the set of field names it accepts.
protocol RequestBody: Decodable {
    static var fieldNames: Set<String> { get }
    /// Fields that hold arrays of objects, and the fields those objects accept.
    static var nestedFieldNames: [String: Set<String>] { get }
}

extension RequestBody {
    static var nestedFieldNames: [String: Set<String>] { [:] }
}
