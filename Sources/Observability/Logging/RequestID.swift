import Synchronization

/// Request ids for logs and the `X-Request-Id` header.
public enum RequestID {
    /// Longest id accepted from a caller.
    public static let lengthMax = 64

    private static let seed: UInt64 = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// A new id: 16 lower-case hex digits, unique in this process (a
    /// SplitMix64 bijection of a random seed plus a counter: no system call,
    /// no lock).
    public static func generate() -> String {
        var value = seed &+ counter.wrappingAdd(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether a caller's id may be used as given: 1–64 characters, each an
    /// ASCII letter, digit, `-`, `_`, `.` or `:`.
    public static func isValid(_ candidate: String) -> Bool {
        let bytes = candidate.utf8
        guard !bytes.isEmpty, bytes.count <= lengthMax else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":")
        }
    }

    /// The caller's `X-Request-Id` if it is valid, else a new id.
    public static func accept(_ header: String?) -> String {
        if let header, isValid(header) { return header }
        return generate()
    }
}
