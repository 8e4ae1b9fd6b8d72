/// What never reaches a log line as given: customer ids are masked, secrets
/// are dropped. `JSONLogHandler` applies the key lists itself, so a call site
/// that logs `customer_id` or `authorization` by mistake leaks nothing.
public enum LogMasking {
    /// Metadata keys whose values are masked with `customerID(_:)` (compared case-insensitively).
    public static let maskedKeys: Set<String> = ["customer", "customer_id", "customerid"]

    /// Fragments that drop a metadata key when its lower-cased name contains
    /// one (`token` also drops `access_token`, `password` drops `db_password`).
    public static let droppedKeyFragments: [String] = [
        "token", "authorization", "secret", "password", "passwd", "api_key", "apikey", "cookie", "credential",
    ]

    /// What a masked id of four characters or fewer becomes.
    public static let fullyMasked = "***"

    /// A customer id with most of it hidden: `cust-123456` → `cu…56`.
    /// At most two leading and two trailing characters show, and never the
    /// whole id: ids of 5–8 characters keep one at each end, ids of 4 or fewer
    /// become `***`.
    public static func customerID(_ id: String) -> String {
        let characters = Array(id)
        switch characters.count {
        case 0...4: return fullyMasked
        case 5...8: return String(characters.first!) + "…" + String(characters.last!)
        default: return String(characters.prefix(2)) + "…" + String(characters.suffix(2))
        }
    }

    /// What the handler does with a metadata key.
    enum Treatment {
        case keep, mask, drop
    }

    /// Every log line asks this for each of its keys, so an ASCII key (every
    /// key the code logs) is lower-cased and searched byte by byte; any other
    /// key takes the general Unicode path, whose case mapping can turn a
    /// non-ASCII letter into an ASCII one (KELVIN SIGN → `k`).
    static func treatment(ofKey key: String) -> Treatment {
        var lowered: [UInt8] = []
        lowered.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            guard byte < 0x80 else { return unicodeTreatment(ofKey: key) }
            lowered.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        if maskedKeyBytes.contains(where: { $0 == lowered }) { return .mask }
        if droppedFragmentBytes.contains(where: { contains(lowered, $0) }) { return .drop }
        return .keep
    }

    private static let maskedKeyBytes = maskedKeys.map { Array($0.utf8) }
    private static let droppedFragmentBytes = droppedKeyFragments.map { Array($0.utf8) }

    private static func contains(_ text: [UInt8], _ fragment: [UInt8]) -> Bool {
        guard fragment.count <= text.count else { return false }
        for start in 0...(text.count - fragment.count)
        where text[start..<(start + fragment.count)].elementsEqual(fragment) {
            return true
        }
        return false
    }

    private static func unicodeTreatment(ofKey key: String) -> Treatment {
        let lowered = key.lowercased()
        if maskedKeys.contains(lowered) { return .mask }
        if droppedKeyFragments.contains(where: { lowered.contains($0) }) { return .drop }
        return .keep
    }
}
