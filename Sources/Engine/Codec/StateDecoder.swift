/// Reads `StateMachine.encodedState()` back, section by section, checking every
/// count, reference, enum value and cross-link as it goes, so that malformed or
/// inconsistent input ends in a `DecodingError` at the offending byte offset —
/// never in a trap, and never in a state the engine could not run on.
/// `StateMachine.init(decoding:limits:)` drives it and assembles the tables.
///
/// A record whose store is `noSlot` is a free slot's blank record (the
/// tombstone the tables write on removal); every other record is live. The
/// free lists read after each table must name exactly the blank records.
struct StateDecoder {
    var reader: BinaryReader
    let limits: Limits
    /// From the header: what timestamps and LSNs in the state may not exceed.
    var lastLSN: UInt64 = 0
    var now: Int64 = 0
    /// The encoding's version, from the header.
    var version: UInt32 = 0

    init(bytes: [UInt8], limits: Limits) {
        reader = BinaryReader(bytes)
        self.limits = limits
    }

    var offset: Int { reader.offset }

    // MARK: Header

    mutating func decodeHeader() throws {
        let magic = try reader.readUInt32()
        guard magic == StateMachine.stateEncodingMagic else {
            throw DecodingError(offset: 0, reason: "magic 0x\(String(magic, radix: 16)) is not a state encoding (HFST)")
        }
        version = try reader.readUInt32()
        guard StateMachine.readableStateEncodingVersions.contains(version) else {
            throw DecodingError(
                offset: 4,
                reason:
                    "state encoding version \(version) is not supported (this build reads \(StateMachine.readableStateEncodingVersions))"
            )
        }
        lastLSN = try reader.readUInt64()
        now = try readInt64("now", in: 0...Int64.max)
    }

    mutating func expectEnd() throws {
        guard reader.isAtEnd else { throw reader.error("\(reader.remaining) trailing bytes after the state") }
    }

    // MARK: Fields

    /// A count of elements of at least `elementBytes` bytes each: at most
    /// `capacity`, and no more than the remaining bytes can hold.
    mutating func readCount(_ what: String, capacity: Int, elementBytes: Int) throws -> Int {
        let start = offset
        let count = Int(try reader.readUInt32())
        guard count <= capacity else {
            throw DecodingError(offset: start, reason: "\(what): count \(count) exceeds the capacity \(capacity)")
        }
        guard count <= reader.remaining / elementBytes else {
            throw DecodingError(
                offset: start, reason: "\(what): count \(count) needs more than the \(reader.remaining) bytes left")
        }
        return count
    }

    /// A slot reference below `count`, or `noSlot` when `nullable`.
    mutating func readReference(_ what: String, below count: Int, nullable: Bool = false) throws -> Int32 {
        let start = offset
        let value = try reader.readInt32()
        guard (nullable && value == noSlot) || (value >= 0 && Int(value) < count) else {
            throw DecodingError(offset: start, reason: "\(what) \(value) is out of range 0..<\(count)")
        }
        return value
    }

    mutating func readInt64(_ what: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let start = offset
        let value = try reader.readInt64()
        guard range.contains(value) else {
            throw DecodingError(offset: start, reason: "\(what) \(value) is outside \(range)")
        }
        return value
    }

    mutating func readInt32(_ what: String, in range: ClosedRange<Int32>) throws -> Int32 {
        let start = offset
        let value = try reader.readInt32()
        guard range.contains(value) else {
            throw DecodingError(offset: start, reason: "\(what) \(value) is outside \(range)")
        }
        return value
    }

    /// A name of a live record (a valid identifier of at most `maxBytes`), or
    /// the empty name of a blank record.
    mutating func readName(_ what: String, maxBytes: Int, live: Bool) throws -> String {
        let start = offset
        let text = try reader.readString(maxBytes: maxBytes)
        if live, let error = Validation.identifier(text, field: what, maxBytes: maxBytes) {
            throw DecodingError(offset: start, reason: "\(error)")
        }
        guard live || text.isEmpty else {
            throw DecodingError(offset: start, reason: "\(what) of a free slot is not empty")
        }
        return text
    }

    /// An optional name of a live record, or the absent name of a blank record.
    mutating func readOptionalName(_ what: String, maxBytes: Int, live: Bool) throws -> String? {
        let start = offset
        guard try reader.readBool() else { return nil }
        guard live else { throw DecodingError(offset: start, reason: "\(what) of a free slot is present") }
        return try readName(what, maxBytes: maxBytes, live: true)
    }

    mutating func readStatus<Status: RawRepresentable<UInt8>>(_ what: String, as type: Status.Type) throws -> Status {
        let start = offset
        let raw = try reader.readUInt8()
        guard let status = Status(rawValue: raw) else {
            throw DecodingError(offset: start, reason: "\(what) \(raw) is not a valid value")
        }
        return status
    }

    mutating func readChain(nodeCount: Int) throws -> LinePool.Chain {
        let first = try readReference("chain head", below: nodeCount, nullable: true)
        let last = try readReference("chain tail", below: nodeCount, nullable: true)
        let count = try readInt32("chain length", in: 0...Int32.max)
        return LinePool.Chain(first: first, last: last, count: count)
    }
}

// MARK: Slot tables and queues

/// A slot table as read, with which slots are live and where each record starts.
struct DecodedSlots<Record: Sendable> {
    var table: SlotTable<Record>
    var isLive: [Bool]
    var recordOffsets: [Int]

    var records: [Record] { table.records }
    var count: Int { table.records.count }

    func isLive(_ slot: Int32) -> Bool { isLive[Int(slot)] }
}

extension StateDecoder {
    /// Reads a slot table: the record count, each record (`readRecord` gets the
    /// slot, its store — `noSlot` for a blank record — and its start offset),
    /// then the free list, which must name every blank record once.
    mutating func readSlotTable<Record>(
        _ what: String, capacity: Int, recordBytes: Int, storeCount: Int,
        readRecord: (inout StateDecoder, Int32, Int32, Int) throws -> Record
    ) throws -> DecodedSlots<Record> {
        let count = try readCount("\(what) slots", capacity: capacity, elementBytes: recordBytes)
        var records: [Record] = []
        records.reserveCapacity(capacity)
        var isLive: [Bool] = []
        isLive.reserveCapacity(count)
        var recordOffsets: [Int] = []
        recordOffsets.reserveCapacity(count)
        for slot in 0..<Int32(count) {
            let start = offset
            let store = try readReference("\(what) \(slot): store", below: storeCount, nullable: true)
            records.append(try readRecord(&self, slot, store, start))
            isLive.append(store != noSlot)
            recordOffsets.append(start)
        }
        let freeSlots = try readFreeSlots(what, isLive: isLive, recordOffsets: recordOffsets)
        return DecodedSlots(
            table: SlotTable(restoringRecords: records, freeSlots: freeSlots, capacity: capacity), isLive: isLive,
            recordOffsets: recordOffsets)
    }

    private mutating func readFreeSlots(_ what: String, isLive: [Bool], recordOffsets: [Int]) throws -> [Int32] {
        let blankCount = isLive.lazy.filter { !$0 }.count
        let countOffset = offset
        let count = try readCount("\(what) free slots", capacity: isLive.count, elementBytes: 4)
        var listed = [Bool](repeating: false, count: isLive.count)
        var freeSlots: [Int32] = []
        freeSlots.reserveCapacity(count)
        for _ in 0..<count {
            let start = offset
            let slot = try readReference("\(what) free slot", below: isLive.count)
            guard !isLive[Int(slot)] else {
                throw DecodingError(offset: start, reason: "free \(what) slot \(slot) is live")
            }
            guard !listed[Int(slot)] else {
                throw DecodingError(offset: start, reason: "free \(what) slot \(slot) is listed twice")
            }
            listed[Int(slot)] = true
            freeSlots.append(slot)
        }
        guard count == blankCount else {
            let unlisted = listed.indices.first { !isLive[$0] && !listed[$0] } ?? 0
            throw DecodingError(
                offset: recordOffsets.isEmpty ? countOffset : recordOffsets[unlisted],
                reason: "blank \(what) slot \(unlisted) is not on the free list")
        }
        return freeSlots
    }

    /// Reads a retention queue: entries oldest first, timestamps never
    /// decreasing and never after `now`. `accept` checks each entry against
    /// its record (and that it is listed once); the caller then checks that
    /// every record that belongs in the queue is in it. The queue is sized
    /// for `capacity` entries.
    mutating func readRetentionQueue(
        _ what: String, slotCount: Int, capacity: Int, accept: (RetentionQueue.Entry, Int) throws -> Void
    ) throws -> RetentionQueue {
        let count = try readCount(what, capacity: slotCount, elementBytes: 12)
        var entries: [RetentionQueue.Entry] = []
        entries.reserveCapacity(count)
        var previous: Int64 = 0
        for _ in 0..<count {
            let start = offset
            let timestamp = try readInt64("\(what) timestamp", in: previous...now)
            let slot = try readReference("\(what) slot", below: slotCount)
            let entry = RetentionQueue.Entry(timestamp: timestamp, slot: slot)
            try accept(entry, start)
            entries.append(entry)
            previous = timestamp
        }
        return RetentionQueue(entries: entries, capacity: capacity)
    }

    /// Builds a name index over the live entries, sized for `count` (it grows
    /// from there), refusing two with the same key.
    static func buildIndex(
        count: Int, include: (Int) -> Bool, hash: (Int) -> UInt64, sameKey: (Int32, Int) -> Bool,
        duplicate: (Int) -> DecodingError
    ) throws -> HashIndex {
        var index = HashIndex(capacity: count)
        for position in 0..<count where include(position) {
            let hash = hash(position)
            if index.find(hash: hash, matches: { sameKey($0, position) }) != nil { throw duplicate(position) }
            index.insert(hash: hash, value: Int32(position))
        }
        return index
    }
}
