import Auth

/// One JSON object of a request body, read field by field. Creating it refuses
/// unknown fields and nulls; each read checks the field's type, so a body is
/// decoded straight from the strict parser's values, in one pass.
struct JSONObject {
    private let members: [String: JSONValue]
    /// Where the object sits in the body, as a prefix of its field names (`lines[0].`).
    private let path: String

    /// - Throws: a 400 problem if `value` is not an object, has a field not in
    ///   `allowed`, or a null field (an optional field is left out instead).
    init(_ value: JSONValue, path: String, allowed: Set<String>) throws(Problem) {
        guard case .object(let members) = value else {
            throw Problem.malformed(
                path.isEmpty ? "the body must be a JSON object" : "field '\(path.dropLast())' must be an object")
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard allowed.contains(name) else {
                throw Problem.malformed(
                    "unknown field '\(path)\(name)'; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
            if member == .null {
                throw Problem.malformed("field '\(path)\(name)' is null; leave an optional field out instead")
            }
        }
        self.members = members
        self.path = path
    }

    func string(_ name: String) throws(Problem) -> String {
        guard let text = try optionalString(name) else { throw missing(name) }
        return text
    }

    func optionalString(_ name: String) throws(Problem) -> String? {
        guard let member = members[name] else { return nil }
        guard case .string(let text) = member else { throw wrongType(name, "a string") }
        return text
    }

    func integer(_ name: String) throws(Problem) -> Int64 {
        guard let value = try optionalInteger(name) else { throw missing(name) }
        return value
    }

    func optionalInteger(_ name: String) throws(Problem) -> Int64? {
        switch members[name] {
        case nil: return nil
        case .integer(let value): return value
        case .fractional:
            throw Problem.malformed(
                "field '\(path)\(name)' must be an integer written without fraction, exponent or '-0'"
                    + " (integers are 64-bit, money in minor units)")
        default: throw wrongType(name, "an integer")
        }
    }

    func optionalBool(_ name: String) throws(Problem) -> Bool? {
        guard let member = members[name] else { return nil }
        guard case .bool(let value) = member else { throw wrongType(name, "a boolean") }
        return value
    }

    func strings(_ name: String) throws(Problem) -> [String] {
        try elements(name).enumerated().map { (index, element) throws(Problem) in
            guard case .string(let text) = element else {
                throw Problem.malformed("field '\(path)\(name)[\(index)]' must be a string")
            }
            return text
        }
    }

    /// An array of objects, each read as `Element`.
    func objects<Element: RequestBody>(_ name: String, as type: Element.Type = Element.self) throws(Problem)
        -> [Element]
    {
        try elements(name).enumerated().map { (index, element) throws(Problem) in
            try Element(JSONObject(element, path: "\(path)\(name)[\(index)].", allowed: Element.fieldNames))
        }
    }

    private func elements(_ name: String) throws(Problem) -> [JSONValue] {
        guard let member = members[name] else { throw missing(name) }
        guard case .array(let elements) = member else { throw wrongType(name, "an array") }
        return elements
    }

    private func missing(_ name: String) -> Problem {
        Problem.malformed("missing field '\(path)\(name)'")
    }

    private func wrongType(_ name: String, _ type: String) -> Problem {
        Problem.malformed("field '\(path)\(name)' must be \(type)")
    }
}

/// A request body, or an object inside one: the field names it accepts, and
/// how it is read from its JSON object.
protocol RequestBody {
    static var fieldNames: Set<String> { get }
    init(_ object: JSONObject) throws(Problem)
}
