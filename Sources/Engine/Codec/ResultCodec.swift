/// The canonical bytes of a `CommandResult`: what idempotency entries record and
/// what a wire-protocol reply carries. Layouts: docs/wire-protocol.md, "Results".
public enum ResultCodec {
    /// Appends the bytes of `result`: a one-byte kind, then its fields.
    public static func encode(_ result: CommandResult, into writer: inout BinaryWriter) {
        ResultEncoding.encode(result, into: &writer)
    }

    /// Reads a result written by `encode`, leaving `reader` just past it.
    ///
    /// - Throws: `DecodingError` for unknown kinds or enum values, over-long
    ///   strings, and counts beyond what the engine answers.
    public static func decode(from reader: inout BinaryReader) throws(DecodingError) -> CommandResult {
        try CommandCodec.typed(&reader) { reader in try ResultDecoding.decode(from: &reader) }
    }
}
