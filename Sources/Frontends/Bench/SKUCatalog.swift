import Engine

/// The SKUs of a run: `sku-<index>` for a catalog, or the one hot SKU.
/// Names are formatted straight into request bytes rather than looked up: a
/// table of a large catalog's names is read at random and would cost a cache
/// miss per request.
struct SKUCatalog: Sendable {
    let count: Int
    /// Units on hand of every SKU at the start of the run.
    let initialOnHand: Int64
    /// The hot workload's catalog: one SKU named `hotSKUName`.
    let isSingle: Bool

    /// Name of the hot workload's one SKU.
    static let hotSKUName = "hot"
    private static let prefix: [UInt8] = Array("sku-".utf8)
    /// Longest name: the prefix and the digits of `BenchConfiguration.skuCountMax`.
    static let nameBytesMax = 4 + 20

    init(configuration: BenchConfiguration) {
        self.init(
            count: configuration.catalogSize, initialOnHand: configuration.stockPerSKU,
            single: configuration.workload == .hot)
    }

    init(count: Int, initialOnHand: Int64, single: Bool = false) {
        precondition(count >= 1 && (!single || count == 1))
        self.count = count
        self.initialOnHand = initialOnHand
        isSingle = single
    }

    /// The name of SKU `index` of this catalog.
    func name(of index: Int) -> String { isSingle ? Self.hotSKUName : "sku-\(index)" }

    /// Stores SKU `index`'s name as a wire string (`u32` length, UTF-8) at
    /// `offset`; returns the bytes stored (at most `4 + nameBytesMax`).
    @inline(__always)
    func storeName(of index: Int, into bytes: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        if isSingle {
            bytes.storeBytes(of: UInt32(3).littleEndian, toByteOffset: offset, as: UInt32.self)
            bytes[offset + 4] = 0x68  // "hot"
            bytes[offset + 5] = 0x6F
            bytes[offset + 6] = 0x74
            return 7
        }
        var digits = 1
        var rest = index / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let length = Self.prefix.count + digits
        bytes.storeBytes(of: UInt32(length).littleEndian, toByteOffset: offset, as: UInt32.self)
        bytes[offset + 4] = 0x73  // "sku-"
        bytes[offset + 5] = 0x6B
        bytes[offset + 6] = 0x75
        bytes[offset + 7] = 0x2D
        var value = index
        for position in stride(from: offset + 4 + length - 1, through: offset + 8, by: -1) {
            bytes[position] = 0x30 + UInt8(truncatingIfNeeded: value % 10)
            value /= 10
        }
        return 4 + length
    }
}
