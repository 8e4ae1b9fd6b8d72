import Engine
import Wire

/// Makes fuzz inputs from a seed: valid sample frames with a few mutations
/// (bit flips, interesting bytes and 32-bit values, inserted, deleted and
/// duplicated ranges, truncation, another operation or direction in the header),
/// mostly with the body length and checksums then made right so the items are
/// decoded; and some wholly random bytes. The same seed gives the same inputs.
struct FrameMutator {
    private var random: SplitMix64
    private let samples: [[UInt8]]

    init(seed: UInt64, samples: [[UInt8]] = SampleFrames.all()) {
        random = SplitMix64(seed: seed)
        self.samples = samples
    }

    static let operations: [WireOperation] =
        [.hello, .ping, .events, .stats, .error, WireOperation(rawValue: 0x0101), WireOperation(rawValue: 0x01FF)]
        + CommandCodec.Tag.allCases.map { WireOperation(command: $0) }

    mutating func nextInput() -> [UInt8] {
        switch random.next() % 20 {
        case 0:
            return randomBytes(count: Int(random.next() % 96))
        case 1:
            var bytes =
                Array(pick(samples).prefix(WireProtocol.headerBytes)) + randomBytes(count: Int(random.next() % 64))
            FrameDecodingCheck.repairLengthAndChecksums(&bytes)
            return bytes
        case 2...10:
            return mutatingOneItem(of: pick(samples))
        default:
            var bytes = pick(samples)
            for _ in 0...(random.next() % 4) { mutate(&bytes) }
            if random.next() % 4 != 0 { FrameDecodingCheck.repairLengthAndChecksums(&bytes) }
            return bytes
        }
    }

    /// Mutates the bytes of one item of a valid frame, keeping every item's
    /// length prefix and the checksums right: the item decoders see the damage.
    private mutating func mutatingOneItem(of frame: [UInt8]) -> [UInt8] {
        guard let header = try? FrameHeader.decode(frame), header.status == 0,
            let ranges = try? Frame(header: header, body: Array(frame[WireProtocol.headerBytes...])).itemRanges(),
            !ranges.isEmpty
        else { return frame }
        let body = Array(frame[WireProtocol.headerBytes...])
        var items = ranges.map { Array(body[$0]) }
        let chosen = Int(random.next() % UInt64(items.count))
        for _ in 0...(random.next() % 3) {
            if items[chosen].isEmpty { items[chosen] = randomBytes(count: 1 + Int(random.next() % 4)) }
            mutate(&items[chosen])
        }
        var bytes = Array(frame.prefix(WireProtocol.headerBytes))
        for item in items {
            withUnsafeBytes(of: UInt32(item.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: item)
        }
        if random.next() % 8 == 0 { mutate(&bytes, at: 4) }
        FrameDecodingCheck.repairLengthAndChecksums(&bytes)
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        mutate(&bytes, at: Int(random.next() % UInt64(bytes.count)))
    }

    /// One mutation at `position`. Cases 8 and 9 change a frame header's
    /// operation and reply flag, wherever `position` is; position 4 always
    /// gets another operation.
    private mutating func mutate(_ bytes: inout [UInt8], at position: Int) {
        switch position == 4 ? 8 : random.next() % 10 {
        case 0: bytes[position] ^= 1 << (random.next() % 8)
        case 1: bytes[position] = pick([0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF])
        case 2: bytes[position] = UInt8(truncatingIfNeeded: random.next())
        case 3: overwrite(&bytes, at: position, with: pick([0, 1, 2, 3, 4, 255, 256, 0x7FFF_FFFF, 0xFFFF_FFFF]))
        case 4: bytes.insert(contentsOf: randomBytes(count: 1 + Int(random.next() % 8)), at: position)
        case 5: bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(random.next() % 8)))
        case 6: bytes.removeSubrange(position...)
        case 7:
            let slice = bytes[position..<min(bytes.count, position + 1 + Int(random.next() % 16))]
            bytes.insert(contentsOf: slice, at: Int(random.next() % UInt64(bytes.count)))
        case 8 where bytes.count >= WireProtocol.headerBytes:
            let operation = pick(Self.operations).rawValue
            bytes[4] = UInt8(truncatingIfNeeded: operation)
            bytes[5] = UInt8(truncatingIfNeeded: operation >> 8)
        case 9 where bytes.count >= WireProtocol.headerBytes:
            bytes[3] ^= 0x01
        default: bytes[position] = ~bytes[position]
        }
    }

    private mutating func overwrite(_ bytes: inout [UInt8], at position: Int, with value: UInt32) {
        for index in 0..<4 where position + index < bytes.count {
            bytes[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
        }
    }

    private mutating func randomBytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int(random.next() % UInt64(elements.count))]
    }
}
