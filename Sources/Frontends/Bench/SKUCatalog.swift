import Engine

/// The SKUs of a run and their names, kept as the wire bytes of each name
/// (`u32` length and UTF-8) in one flat buffer, so a request copies a SKU with
/// one append instead of encoding a string.
struct SKUCatalog: Sendable {
    let count: Int
    /// Units on hand of every SKU at the start of the run.
    let initialOnHand: Int64
    private let encodedNames: [UInt8]
    /// `offsets[i] ..< offsets[i + 1]` are SKU `i`'s encoded bytes.
    private let offsets: [Int32]

    /// Name of the hot workload's one SKU.
    static let hotSKUName = "hot"

    init(configuration: BenchConfiguration) {
        self.init(
            count: configuration.catalogSize, initialOnHand: configuration.stockPerSKU,
            single: configuration.workload == .hot)
    }

    init(count: Int, initialOnHand: Int64, single: Bool = false) {
        precondition(count >= 1)
        self.count = count
        self.initialOnHand = initialOnHand
        var writer = BinaryWriter(reservingCapacity: count * 14)
        var offsets: [Int32] = []
        offsets.reserveCapacity(count + 1)
        for index in 0..<count {
            offsets.append(Int32(writer.bytes.count))
            writer.write(single ? Self.hotSKUName : Self.name(ofIndex: index))
        }
        offsets.append(Int32(writer.bytes.count))
        encodedNames = writer.bytes
        self.offsets = offsets
    }

    /// The name of catalog SKU `index`.
    static func name(ofIndex index: Int) -> String { "sku-\(index)" }

    /// The name of SKU `index` of this catalog.
    func name(of index: Int) -> String {
        var reader = BinaryReader(encodedNames, range: Int(offsets[index])..<Int(offsets[index + 1]))
        return (try? reader.readString(maxBytes: Limits.skuMaxBytes)) ?? ""
    }

    /// Appends SKU `index` as a wire string.
    @inline(__always)
    func writeName(of index: Int, into writer: inout BinaryWriter) {
        encodedNames.withUnsafeBytes { raw in
            writer.write(contentsOf: UnsafeRawBufferPointer(rebasing: raw[Int(offsets[index])..<Int(offsets[index + 1])]))
        }
    }
}
