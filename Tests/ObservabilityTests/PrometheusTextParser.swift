import Foundation

/// A strict reader of the Prometheus text format 0.0.4, for tests: every line
/// must be a HELP, a TYPE, or a sample of the family last typed; labels and
/// values must parse; histograms must be cumulative with `+Inf` = `_count`.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [Sample] = []
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    private(set) var families: [String: Family] = [:]
    private(set) var familyOrder: [String] = []

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw ParseError(line: 0, reason: "no final newline") }
        var current: String?
        var pendingHelp: (name: String, text: String)?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " ") else {
                    throw ParseError(line: number, reason: "HELP without text")
                }
                pendingHelp = (String(rest[..<space]), String(rest[rest.index(after: space)...]))
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2, ["counter", "gauge", "histogram"].contains(parts[1]) else {
                    throw ParseError(line: number, reason: "bad TYPE line")
                }
                let name = String(parts[0])
                guard families[name] == nil else { throw ParseError(line: number, reason: "family \(name) twice") }
                guard let help = pendingHelp, help.name == name else {
                    throw ParseError(line: number, reason: "TYPE without a HELP for \(name) just before")
                }
                families[name] = Family(name: name, type: String(parts[1]), help: help.text)
                familyOrder.append(name)
                current = name
                pendingHelp = nil
            } else if line.hasPrefix("#") || line.isEmpty {
                throw ParseError(line: number, reason: "unexpected line '\(line)'")
            } else {
                guard let family = current else { throw ParseError(line: number, reason: "sample before TYPE") }
                let sample = try Self.parseSample(String(line), line: number)
                let allowed: Set<String> =
                    families[family]!.type == "histogram"
                    ? [family + "_bucket", family + "_sum", family + "_count"] : [family]
                guard allowed.contains(sample.name) else {
                    throw ParseError(line: number, reason: "sample \(sample.name) outside its family \(family)")
                }
                families[family]!.samples.append(sample)
            }
        }
        for family in families.values where family.type == "histogram" { try Self.checkHistogram(family) }
    }

    /// The value of the one sample of `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matches = families.values.flatMap(\.samples).filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matches.count == 1 ? matches[0].value : nil
    }

    static func parseSample(_ line: String, line number: Int) throws -> Sample {
        var characters = Substring(line)
        let nameEnd = characters.firstIndex(where: { $0 == "{" || $0 == " " }) ?? characters.endIndex
        let name = String(characters[..<nameEnd])
        guard name.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil else {
            throw ParseError(line: number, reason: "bad metric name '\(name)'")
        }
        characters = characters[nameEnd...]
        var labels: [String: String] = [:]
        if characters.first == "{" {
            characters = characters.dropFirst()
            while characters.first != "}" {
                guard let equals = characters.firstIndex(of: "=") else {
                    throw ParseError(line: number, reason: "label without =")
                }
                let labelName = String(characters[..<equals])
                guard labelName.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil else {
                    throw ParseError(line: number, reason: "bad label name '\(labelName)'")
                }
                characters = characters[characters.index(after: equals)...]
                guard characters.first == "\"" else { throw ParseError(line: number, reason: "label value not quoted") }
                characters = characters.dropFirst()
                var value = ""
                while true {
                    guard let character = characters.first else { throw ParseError(line: number, reason: "open quote") }
                    characters = characters.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = characters.first else {
                            throw ParseError(line: number, reason: "bad escape")
                        }
                        characters = characters.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw ParseError(line: number, reason: "unknown escape \\\(escaped)")
                        }
                    } else {
                        guard character != "\n" else { throw ParseError(line: number, reason: "raw newline in label") }
                        value.append(character)
                    }
                }
                guard labels[labelName] == nil else {
                    throw ParseError(line: number, reason: "label \(labelName) twice")
                }
                labels[labelName] = value
                if characters.first == "," { characters = characters.dropFirst() }
            }
            characters = characters.dropFirst()
        }
        guard characters.first == " " else { throw ParseError(line: number, reason: "no space before the value") }
        let valueText = String(characters.dropFirst())
        let value: Double
        switch valueText {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(valueText), !valueText.contains(" ") else {
                throw ParseError(line: number, reason: "bad value '\(valueText)'")
            }
            value = parsed
        }
        return Sample(name: name, labels: labels, value: value)
    }

    /// Per series: `le` ascending ending at `+Inf`, counts non-decreasing, `+Inf` = `_count`.
    static func checkHistogram(_ family: Family) throws {
        var series: [[String: String]: [(le: Double, count: Double)]] = [:]
        var counts: [[String: String]: Double] = [:]
        for sample in family.samples {
            var key = sample.labels
            if sample.name.hasSuffix("_bucket") {
                guard let leText = key.removeValue(forKey: "le") else {
                    throw ParseError(line: 0, reason: "\(family.name): bucket without le")
                }
                let le = leText == "+Inf" ? Double.infinity : Double(leText)
                guard let le else { throw ParseError(line: 0, reason: "\(family.name): bad le \(leText)") }
                series[key, default: []].append((le, sample.value))
            } else if sample.name.hasSuffix("_count") {
                counts[key] = sample.value
            }
        }
        for (key, buckets) in series {
            for (previous, next) in zip(buckets, buckets.dropFirst()) {
                guard previous.le < next.le, previous.count <= next.count else {
                    throw ParseError(line: 0, reason: "\(family.name)\(key): buckets not ascending or not cumulative")
                }
            }
            guard buckets.last?.le == .infinity, buckets.last?.count == counts[key] else {
                throw ParseError(line: 0, reason: "\(family.name)\(key): +Inf bucket missing or ≠ _count")
            }
        }
    }
}
