import Foundation

/// The one allowed byte form of every id (store, SKU, location, customer,
/// reservation, cart, order, owner, request key and a token's `sub`/`store`):
///
/// - 1 ... the field's limit bytes of UTF-8;
/// - no control characters: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F);
/// - no default-ignorable code points (the byte-order mark U+FEFF, zero-width
///   spaces and joiners, bidirectional marks, variation selectors, soft
///   hyphen, …), which render as nothing and make different ids look alike;
/// - in Unicode Normalization Form C: the canonical spelling of its text.
///   A decomposed `e` + U+0301 or the KELVIN SIGN U+212A (whose canonical form
///   is `K`) is refused, not folded.
///
/// Ids that pass are compared byte for byte everywhere; since the rule admits
/// only the canonical spelling, two ids that are equal as Swift strings are
/// equal as bytes. ASCII ids need no more than the control check.
public enum IdentifierRule {
    /// Why `text` is not an allowed id, or nil when it is.
    @inline(__always)
    public static func problem(_ text: String, maxBytes: Int) -> String? {
        let byteCount = text.utf8.count
        if byteCount == 0 { return "must not be empty" }
        if byteCount > maxBytes { return "is \(byteCount) bytes; at most \(maxBytes) allowed" }
        let scan =
            text.utf8.withContiguousStorageIfAvailable { scanBytes($0) } ?? scanBytes(text.utf8)
        if scan.hasControl { return "must not contain control characters" }
        return scan.isASCII ? nil : nonASCIIProblem(text)
    }

    /// Byte equality of two ids: the comparison every access decision uses.
    @inline(__always)
    public static func same(_ first: String, _ second: String) -> Bool {
        first.utf8.elementsEqual(second.utf8)
    }

    @inline(__always)
    private static func scanBytes<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> (hasControl: Bool, isASCII: Bool) {
        var previous: UInt8 = 0
        var isASCII = true
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
                return (true, false)
            }
            if byte >= 0x80 { isASCII = false }
            previous = byte
        }
        return (false, isASCII)
    }

    private static func nonASCIIProblem(_ text: String) -> String? {
        for scalar in text.unicodeScalars where scalar.properties.isDefaultIgnorableCodePoint {
            return "must not contain the invisible character U+\(hex(scalar))"
        }
        let canonical = text.precomposedStringWithCanonicalMapping
        if !canonical.utf8.elementsEqual(text.utf8) {
            return "must be in Unicode Normalization Form C (its canonical spelling is '\(canonical)')"
        }
        return nil
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
