/// Little-endian fixed-width fields at fixed offsets, for the storage headers.
/// Reads check bounds against the buffer and return nil when out of range.
extension [UInt8] {
    mutating func put(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    mutating func put(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    mutating func put(_ value: UInt64, at offset: Int) {
        for index in 0..<8 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    mutating func put(_ value: Int64, at offset: Int) { put(UInt64(bitPattern: value), at: offset) }

    mutating func put(_ bytes: [UInt8], at offset: Int) {
        replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }

    func uint16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(self[offset + index]) << (8 * index) }
        return value
    }

    func uint64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(self[offset + index]) << (8 * index) }
        return value
    }

    func int64(at offset: Int) -> Int64 { Int64(bitPattern: uint64(at: offset)) }

    func bytes(at offset: Int, count: Int) -> [UInt8] { Array(self[offset..<(offset + count)]) }
}

extension UnsafeRawPointer {
    func loadLittleEndian<Value: FixedWidthInteger>(fromByteOffset offset: Int, as: Value.Type) -> Value {
        Value(littleEndian: loadUnaligned(fromByteOffset: offset, as: Value.self))
    }
}

extension UnsafeMutableRawPointer {
    func storeLittleEndian<Value: FixedWidthInteger>(_ value: Value, toByteOffset offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: Value.self)
    }
}
