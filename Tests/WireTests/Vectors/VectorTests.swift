import Foundation
import Testing

@testable import Engine
@testable import Wire

/// The hex test vectors of docs/wire-protocol.md, read out of the document
/// itself: encoding each vector's values with the real codec must give exactly
/// the documented bytes, and decoding the documented bytes must give the values.
///
/// A vector in the document is a fenced block right after a line
/// `<!-- vector: NAME -->`. Each line of the block is hex (bytes as pairs of
/// digits, single spaces allowed between groups), then optionally two or more
/// spaces and a comment.
@Suite struct VectorTests {
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/wire-protocol.md")

    static func documentedVectors() throws -> [String: [UInt8]] {
        try DocumentVectors.parse(String(contentsOf: documentURL, encoding: .utf8))
    }

    @Test("the document and the tests name the same vectors")
    func sameVectors() throws {
        let documented = Set(try Self.documentedVectors().keys)
        #expect(documented == Set(WireVectors.all.map(\.name)))
    }

    @Test("encoding gives the documented bytes; decoding them gives the values", arguments: WireVectors.all.map(\.name))
    func vector(name: String) throws {
        let vector = try #require(WireVectors.all.first { $0.name == name })
        let encoded = vector.encode()
        guard let documented = try Self.documentedVectors()[name] else {
            Issue.record(
                "docs/wire-protocol.md has no vector '\(name)'; the codec gives \(encoded.count) bytes:\n\(Hex.string(encoded))"
            )
            return
        }
        #expect(
            documented == encoded,
            "vector '\(name)': the document has \(documented.count) bytes, the codec gives \(encoded.count):\n\(Hex.string(encoded))"
        )
        try vector.checkDecoding(documented)
    }

    @Test("the vector parser reads hex with comments and refuses anything else")
    func parser() throws {
        let text = """
            prose
            <!-- vector: a -->
            ```
            4846 01    magic and version
              00 0a0B    indented, mixed case
            ```
            <!-- vector: b -->

            ```text
            ff
            ```
            """
        #expect(try DocumentVectors.parse(text) == ["a": [0x48, 0x46, 0x01, 0x00, 0x0A, 0x0B], "b": [0xFF]])
        #expect(throws: DocumentVectors.ParseError.self) {
            try DocumentVectors.parse("<!-- vector: c -->\n```\n4 8\n```")
        }
        #expect(throws: DocumentVectors.ParseError.self) {
            try DocumentVectors.parse("<!-- vector: c -->\n```\nmagic\n```")
        }
        #expect(throws: DocumentVectors.ParseError.self) { try DocumentVectors.parse("<!-- vector: c -->\n```\n00\n") }
        #expect(throws: DocumentVectors.ParseError.self) {
            try DocumentVectors.parse("<!-- vector: c -->\ntext\n```\n00\n```")
        }
        let twice = "<!-- vector: c -->\n```\n00\n```\n<!-- vector: c -->\n```\n01\n```"
        #expect(throws: DocumentVectors.ParseError.self) { try DocumentVectors.parse(twice) }
    }
}

/// Reads the `<!-- vector: NAME -->` blocks of a Markdown document.
enum DocumentVectors {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [String: [UInt8]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var vectors: [String: [UInt8]] = [:]
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard let name = vectorName(lines[index]) else { continue }
            guard vectors[name] == nil else { throw ParseError(description: "vector '\(name)' appears twice") }
            index += 1
            while index < lines.count && lines[index].allSatisfy(\.isWhitespace) { index += 1 }
            guard index < lines.count, lines[index].hasPrefix("```") else {
                throw ParseError(description: "vector '\(name)': a fenced block must follow its marker")
            }
            index += 1
            var bytes: [UInt8] = []
            while true {
                guard index < lines.count else {
                    throw ParseError(description: "vector '\(name)': the block does not end")
                }
                if lines[index].hasPrefix("```") { break }
                bytes += try hexOfLine(lines[index], vector: name)
                index += 1
            }
            vectors[name] = bytes
        }
        return vectors
    }

    private static func vectorName(_ line: Substring) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("<!-- vector:"), trimmed.hasSuffix("-->") else { return nil }
        return String(trimmed.dropFirst("<!-- vector:".count).dropLast("-->".count)).trimmingCharacters(
            in: .whitespaces)
    }

    /// The bytes of one block line: hex groups up to the first run of two spaces.
    private static func hexOfLine(_ line: Substring, vector: String) throws -> [UInt8] {
        let content = line.drop { $0 == " " }
        guard !content.isEmpty else { return [] }
        let hexPart = content.range(of: "  ").map { content[..<$0.lowerBound] } ?? content
        var bytes: [UInt8] = []
        for group in hexPart.split(separator: " ") {
            guard let groupBytes = Hex.bytes(group) else {
                throw ParseError(description: "vector '\(vector)': '\(group)' in line '\(line)' is not hex bytes")
            }
            bytes += groupBytes
        }
        return bytes
    }
}
