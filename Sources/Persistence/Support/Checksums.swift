import Foundation
import CHoldfastSupport

/// CRC-32C (Castagnoli) of bytes; hardware-accelerated where the CPU allows.
enum CRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return holdfast_crc32c(crc, base, bytes.count)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static var isHardwareAccelerated: Bool { holdfast_crc32c_is_hardware() == 1 }
}

/// A SHA-256 digest: links of the log's hash chain, and state digests in snapshots.
public struct Digest256: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    public static let zero = Digest256(bytes: [UInt8](repeating: 0, count: 32))

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes")
        self.bytes = bytes
    }

    public var description: String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// A reusable SHA-256 context (OpenSSL EVP). Not thread-safe: one per thread of use.
final class SHA256Hasher {
    private let context: OpaquePointer

    init() {
        guard let context = holdfast_sha256_create() else { fatalError("OpenSSL could not allocate a digest context") }
        self.context = context
    }

    deinit { holdfast_sha256_destroy(context) }

    func begin() {
        precondition(holdfast_sha256_begin(context) == 1, "OpenSSL SHA-256 init failed")
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        precondition(holdfast_sha256_update(context, base, bytes.count) == 1, "OpenSSL SHA-256 update failed")
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    func finish() -> Digest256 {
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = digest.withUnsafeMutableBufferPointer { holdfast_sha256_finish(context, $0.baseAddress!) }
        precondition(ok == 1, "OpenSSL SHA-256 final failed")
        return Digest256(bytes: digest)
    }

    /// The digest of `bytes`, in one call.
    static func digest(_ bytes: UnsafeRawBufferPointer) -> Digest256 {
        let hasher = SHA256Hasher()
        hasher.begin()
        hasher.update(bytes)
        return hasher.finish()
    }
}
