import Glibc
import Logging

/// A swift-log handler that writes one JSON object per line:
/// `ts` (RFC 3339 UTC, milliseconds), `level`, `label`, `msg`, then the
/// metadata (handler, provider, then the call's, later ones winning) as
/// fields sorted by key, and `error` when the event carries one.
///
/// Metadata under a customer key is masked and under a secret-looking key is
/// dropped (`LogMasking`), at any depth. A metadata key that collides with a
/// fixed field is written as `meta_<key>`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public let label: String
    private let sink: LogSink
    private let clock: @Sendable () -> timespec

    static let fixedFields: Set<String> = ["ts", "level", "label", "msg", "error"]

    /// - Parameters:
    ///   - clock: wall-clock time of each line (tests pass a fixed one).
    public init(
        label: String, sink: LogSink = LogSink(), level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> timespec = JSONLogHandler.realtimeClock
    ) {
        self.label = label
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.clock = clock
    }

    @Sendable public static func realtimeClock() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write(line(for: event))
    }

    /// The bytes written for `event`, newline included.
    func line(for event: LogEvent) -> [UInt8] {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }

        let now = clock()
        var writer = JSONLineWriter()
        writer.field("ts", JSONLineWriter.timestamp(seconds: now.tv_sec, nanoseconds: now.tv_nsec))
        writer.field("level", event.level.rawValue)
        writer.field("label", label)
        writer.field("msg", event.message.description)
        if let error = event.error { writer.field("error", String(describing: error)) }
        for key in merged.keys.sorted() {
            let name = Self.fixedFields.contains(key) ? "meta_" + key : key
            switch LogMasking.treatment(ofKey: key) {
            case .drop: continue
            case .mask:
                writer.key(name)
                writer.appendString(Self.masked(merged[key]!))
            case .keep:
                writer.key(name)
                Self.append(merged[key]!, to: &writer)
            }
        }
        return writer.finish()
    }

    /// A masked value: a string's customer-id mask, `***` for anything structured.
    private static func masked(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): LogMasking.customerID(text)
        case .stringConvertible(let convertible): LogMasking.customerID(convertible.description)
        case .dictionary, .array: LogMasking.fullyMasked
        }
    }

    private static func append(_ value: Logger.Metadata.Value, to writer: inout JSONLineWriter) {
        switch value {
        case .string(let text): writer.appendString(text)
        case .stringConvertible(let convertible): appendConvertible(convertible, to: &writer)
        case .array(let values):
            writer.appendByte(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { writer.appendByte(UInt8(ascii: ",")) }
                append(element, to: &writer)
            }
            writer.appendByte(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            writer.appendByte(UInt8(ascii: "{"))
            var first = true
            for key in dictionary.keys.sorted() {
                let treatment = LogMasking.treatment(ofKey: key)
                if treatment == .drop { continue }
                if !first { writer.appendByte(UInt8(ascii: ",")) }
                first = false
                writer.appendString(key)
                writer.appendByte(UInt8(ascii: ":"))
                if treatment == .mask {
                    writer.appendString(masked(dictionary[key]!))
                } else {
                    append(dictionary[key]!, to: &writer)
                }
            }
            writer.appendByte(UInt8(ascii: "}"))
        }
    }

    /// Integers, finite doubles and booleans as JSON numbers and literals; anything else as a string.
    private static func appendConvertible(
        _ value: any CustomStringConvertible & Sendable, to writer: inout JSONLineWriter
    ) {
        switch value {
        case let number as any BinaryInteger: writer.appendRaw(String(describing: number))
        case let number as Double where number.isFinite: writer.appendRaw(String(describing: number))
        case let number as Float where number.isFinite: writer.appendRaw(String(describing: number))
        case let flag as Bool: writer.appendRaw(flag ? "true" : "false")
        default: writer.appendString(value.description)
        }
    }
}
