import Engine
import Foundation
import Testing

@testable import Persistence

/// The byte layouts of docs/storage-format.md, checked against known values.
@Suite struct FormatTests {
    @Test("CRC-32C matches the standard check value, in hardware and in the table")
    func crc32cCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // Continuing over pieces equals one pass (odd lengths exercise the byte tail).
        let bytes = (0..<1_001).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let first = CRC32C.checksum(bytes[0..<333])
        let both = bytes[333...].withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
        #expect(both == whole)
    }

    @Test("SHA-256 matches the FIPS 180-4 example")
    func sha256KnownAnswer() {
        let digest = Array("abc".utf8).withUnsafeBytes { SHA256Hasher.digest($0) }
        #expect(digest.description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("The segment header is laid out as documented and round-trips")
    func segmentHeaderLayout() throws {
        let header = SegmentFormat.SegmentHeader(
            shardIndex: 2, shardCount: 3, sequence: 7, createdAtNanoseconds: 1_700_000_000_000_000_000,
            limitsDigest: LimitsFingerprint.digest(of: .standard))
        let block = header.encodedBlock()
        #expect(block.count == 4096)
        #expect(Array(block[0..<8]) == Array("HFWALSEG".utf8))
        #expect(block.uint32(at: 8) == 1)
        #expect(block.uint32(at: 12) == 80)
        #expect(block.uint16(at: 16) == 2 && block.uint16(at: 18) == 3)
        #expect(block.uint64(at: 24) == 7)
        #expect(block.uint32(at: 72) == CRC32C.checksum(block[0..<72]))
        #expect(block[76...].allSatisfy { $0 == 0 })
        #expect(try SegmentFormat.SegmentHeader.decode(block, path: "x") == header)
        var damaged = block
        damaged[30] ^= 1
        #expect(throws: PersistenceError.corrupt(path: "x", offset: 0, reason: "segment header checksum mismatch")) {
            _ = try SegmentFormat.SegmentHeader.decode(damaged, path: "x")
        }
    }

    @Test("The limits fingerprint covers exactly the manifest's limits, in the documented order")
    func limitsFingerprint() {
        let encoding = LimitsFingerprint.encoding(of: .standard)
        #expect(encoding.count == 12 * 8)
        #expect(encoding.int64(at: 0) == Int64(Limits.standard.storesPerShardMax))
        #expect(encoding.int64(at: 88) == Int64(Limits.standard.purgesPerTickMax))
        // The manifest also pins idleCartRetentionSeconds, which is not in the
        // fingerprint (directories made before it keep their digest).
        #expect(DataDirectory.limitFields(of: .standard).count == 13)
        let idleCartRetention: Int64? = DataDirectory.limitFields(of: .standard)["idleCartRetentionSeconds"]
        #expect(idleCartRetention == Limits.standard.idleCartRetentionSeconds)
        var changed = Limits.standard
        changed.shardQueueCapacity = 7  // runtime only: does not affect replay
        #expect(LimitsFingerprint.digest(of: changed) == LimitsFingerprint.digest(of: .standard))
        changed.purgesPerTickMax = 1
        #expect(LimitsFingerprint.digest(of: changed) != LimitsFingerprint.digest(of: .standard))
    }

    @Test("A written frame has the documented header, record layout, checksums and chain link")
    func frameLayout() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        _ = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        _ = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "B", onHand: 6)))
        node.shutdown()
        let path = try #require(segmentFiles(directory.path + "/shard-000").first)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let offsets = try frameOffsets(in: path)
        #expect(offsets.count == 2)
        let first = offsets[0]
        let second = offsets[1]
        #expect(first == 4096 && second == 8192, "frames start on block boundaries")
        #expect(bytes.uint32(at: first) == 0x5246_4648)
        #expect(bytes.uint16(at: first + 4) == 1)
        #expect(bytes.uint32(at: first + 12) == 1)
        #expect(bytes.uint64(at: first + 16) == 0 && bytes.uint64(at: second + 16) == 1)
        #expect(bytes.uint64(at: first + 24) == 1 && bytes.uint64(at: first + 32) == 1)
        #expect(bytes[(first + 40)..<(first + 72)].allSatisfy { $0 == 0 }, "the first frame links to zeros")
        #expect(Array(bytes[(second + 40)..<(second + 72)]) == Array(bytes[(first + 72)..<(first + 104)]))
        let length = Int(bytes.uint32(at: first + 8))
        let records = Array(bytes[(first + 112)..<(first + length)])
        let chain = (Array(bytes[first..<(first + 72)]) + records).withUnsafeBytes { SHA256Hasher.digest($0) }
        #expect(Array(bytes[(first + 72)..<(first + 104)]) == chain.bytes)
        #expect(bytes.uint32(at: first + 104) == CRC32C.checksum(Array(bytes[first..<(first + 104)]) + records))
        let payloadLength = Int(records.uint32(at: 0))
        let payload = Array(records[8..<(8 + payloadLength)])
        #expect(records.uint32(at: 4) == CRC32C.checksum(payload))
        #expect(8 + payloadLength == records.count)
        let record = try CommandCodec.decodeLogRecord(payload)
        #expect(record.lsn == 1)
        #expect(record.command == .setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        #expect(bytes[(first + length)..<second].allSatisfy { $0 == 0 }, "zero padding to the block")
    }

    @Test("A snapshot file has the documented header")
    func snapshotLayout() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        _ = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        let info = try await node.snapshot(shard: 0)
        let state = await node.runtime.inspect(shard: 0) { $0.encodedState() }!
        node.shutdown()
        #expect(info.path.hasSuffix("/snapshot-00000000000000000001.hfs"))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: info.path)))
        #expect(Array(bytes[0..<8]) == Array("HFSNAPSH".utf8))
        #expect(bytes.uint32(at: 8) == 1 && bytes.uint32(at: 12) == 128)
        #expect(bytes.uint64(at: 24) == 1)
        #expect(bytes.uint64(at: 80) == UInt64(bytes.count - 128))
        #expect(Array(bytes[128...]) == state)
        #expect(bytes.uint32(at: 120) == CRC32C.checksum(bytes[0..<120]))
        #expect(bytes.uint32(at: 124) == CRC32C.checksum(state))
        #expect(Array(bytes[88..<120]) == state.withUnsafeBytes { SHA256Hasher.digest($0) }.bytes)
    }
}
