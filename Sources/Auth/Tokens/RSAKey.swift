import CHoldfastSupport

/// An RSA key parsed once from PEM (OpenSSL `EVP_PKEY`), shared read-only by
/// every verification; OpenSSL allows concurrent use of a key that is not changed.
final class RSAKey: @unchecked Sendable {
    private let key: OpaquePointer
    let isPrivate: Bool

    /// Parses a public key ("-----BEGIN PUBLIC KEY-----"); nil unless RSA of at least 2,048 bits.
    init?(publicKeyPEM pem: String) {
        guard let key = Self.parse(pem, holdfast_rsa_public_key_from_pem) else { return nil }
        self.key = key
        isPrivate = false
    }

    /// Parses an unencrypted private key (PKCS#8 or PKCS#1 PEM); nil unless RSA of at least 2,048 bits.
    init?(privateKeyPEM pem: String) {
        guard let key = Self.parse(pem, holdfast_rsa_private_key_from_pem) else { return nil }
        self.key = key
        isPrivate = true
    }

    deinit { holdfast_rsa_key_destroy(key) }

    private static func parse(
        _ pem: String, _ parser: (UnsafePointer<CChar>?, Int) -> OpaquePointer?
    ) -> OpaquePointer? {
        var text = pem
        return text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { parser($0.baseAddress, $0.count) }
        }
    }

    var signatureBytes: Int { holdfast_rsa_key_signature_length(key) }

    /// Whether `signature` is this key's RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    func verify(_ message: some Collection<UInt8>, signature: [UInt8]) -> Bool {
        let message = Array(message)
        return message.withUnsafeBytes { messageBytes in
            signature.withUnsafeBytes { signatureBytes in
                holdfast_rsa_sha256_verify(
                    key, messageBytes.baseAddress, messageBytes.count, signatureBytes.baseAddress, signatureBytes.count)
                    == 1
            }
        }
    }

    /// The signature of `message`; nil if this is not a private key or OpenSSL fails.
    func sign(_ message: [UInt8]) -> [UInt8]? {
        guard isPrivate else { return nil }
        var signature = [UInt8](repeating: 0, count: signatureBytes)
        var length = 0
        let ok = message.withUnsafeBytes { messageBytes in
            signature.withUnsafeMutableBufferPointer { output in
                holdfast_rsa_sha256_sign(
                    key, messageBytes.baseAddress, messageBytes.count, output.baseAddress, output.count, &length)
            }
        }
        guard ok == 1 else { return nil }
        return Array(signature.prefix(length))
    }
}

/// HMAC-SHA256 and constant-time comparison through CHoldfastSupport.
enum HMACSHA256 {
    /// The 32-byte MAC; nil only if OpenSSL fails.
    static func mac(key: [UInt8], message: some Collection<UInt8>) -> [UInt8]? {
        let message = Array(message)
        var mac = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                mac.withUnsafeMutableBufferPointer { output in
                    holdfast_hmac_sha256(
                        keyBytes.baseAddress, keyBytes.count, messageBytes.baseAddress, messageBytes.count,
                        output.baseAddress)
                }
            }
        }
        return ok == 1 ? mac : nil
    }

    /// Equal lengths and bytes, compared in time independent of where they differ.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return left.withUnsafeBytes { leftBytes in
            right.withUnsafeBytes { rightBytes in
                holdfast_constant_time_equal(leftBytes.baseAddress, rightBytes.baseAddress, leftBytes.count) == 1
            }
        }
    }
}
